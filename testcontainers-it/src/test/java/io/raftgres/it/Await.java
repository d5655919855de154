package io.raftgres.it;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Bounded polling for conditions on containers. Called from the test thread.
 */
public final class Await {

    private Await() {
    }

    /**
     * Polls {@code probe} until it returns a non-null value and returns it; exceptions count as
     * "not yet". Fails after {@code timeout} naming {@code what} and the last failure.
     */
    public static <T> T until(String what, Duration timeout, Duration poll, Callable<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                T value = probe.call();
                if (value != null) {
                    return value;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + (last == null ? "" : "; last failure: " + last), last);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /** Polls until {@code condition} holds (true); see {@link #until}. */
    public static void untilTrue(String what, Duration timeout, Duration poll, Callable<Boolean> condition) {
        until(what, timeout, poll, () -> Boolean.TRUE.equals(condition.call()) ? Boolean.TRUE : null);
    }
}
