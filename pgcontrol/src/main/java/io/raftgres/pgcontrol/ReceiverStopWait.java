package io.raftgres.pgcontrol;

import io.raftgres.core.spi.PostgresControlException;

import java.time.Duration;

/**
 * The wait after a running standby was reloaded with no upstream (detached from a deposed primary):
 * until its WAL receiver process is gone. The reload only signals the startup process, which stops
 * the receiver when it next waits for WAL, so not at all while it replays a backlog or its replay is
 * paused; a receiver left running keeps confirming the deposed primary's commits. So a receiver still
 * there after {@link #GRACE} gets SIGTERM, as the startup process would send it: it exits at its next
 * interrupt check, flushing what it received without replying (a confirmation it sent covers only WAL
 * it had flushed before). Once it is gone the received position is final; the configuration names no
 * upstream, so none is started again. Failing here (the receiver outlived the timeout, the server
 * stopped answering) fails the detach: the probe then reports the receiver as streaming, the new
 * leader does not count this member, and the next cycle tries again.
 */
final class ReceiverStopWait {
    static final Duration GRACE = Duration.ofMillis(300);
    private static final Duration POLL = Duration.ofMillis(20);

    private ReceiverStopWait() {
    }

    static void untilStopped(PgStateProbe probe, Duration timeout) {
        long start = System.nanoTime();
        boolean signalled = false;
        while (true) {
            long pid = probe.walReceiverPid();
            if (pid == 0) {
                return;
            }
            long elapsed = System.nanoTime() - start;
            if (elapsed >= timeout.toNanos()) {
                throw new PostgresControlException(pid < 0
                        ? "PostgreSQL did not answer while its WAL receiver was stopping"
                        : "the WAL receiver (pid " + pid + ") still runs " + timeout.toMillis()
                        + " ms after the reload without an upstream");
            }
            if (pid > 0 && !signalled && elapsed >= GRACE.toNanos()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy); // SIGTERM
                signalled = true;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PostgresControlException("interrupted while waiting for the WAL receiver to stop", e);
            }
        }
    }
}
