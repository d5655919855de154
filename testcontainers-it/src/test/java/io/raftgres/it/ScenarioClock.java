package io.raftgres.it;

/**
 * The shared monotonic time axis of one scenario: the writer, the split-brain detector and the
 * fault helpers stamp events in milliseconds since {@link #start()}, so their records can be
 * compared. Immutable; safe from any thread.
 */
public final class ScenarioClock {

    private final long originNanos;

    private ScenarioClock(long originNanos) {
        this.originNanos = originNanos;
    }

    /** A clock whose zero is now. */
    public static ScenarioClock start() {
        return new ScenarioClock(System.nanoTime());
    }

    /** Milliseconds elapsed since the scenario started. */
    public long millis() {
        return (System.nanoTime() - originNanos) / 1_000_000L;
    }

    /**
     * Sleeps until scenario time {@code atMillis}; returns at once when it has passed. An
     * interrupt ends the sleep and stays set, so the caller's loop sees it.
     */
    public void sleepUntil(long atMillis) {
        long rest = atMillis - millis();
        if (rest <= 0) {
            return;
        }
        try {
            Thread.sleep(rest);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
