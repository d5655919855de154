package io.raftgres.testkit;

import java.util.function.LongSupplier;

/**
 * Simulated monotonic time in milliseconds. Only the {@link EventScheduler} moves it, and only
 * forwards, so every reader in a simulation sees the same instant while an event runs.
 *
 * <p>Threading: single-threaded, like everything in a simulation.
 */
public final class FakeClock implements LongSupplier {

    private long nowMillis;

    public FakeClock(long startMillis) {
        this.nowMillis = startMillis;
    }

    public long nowMillis() {
        return nowMillis;
    }

    @Override
    public long getAsLong() {
        return nowMillis;
    }

    /** Moves time to {@code millis}; throws if that would go backwards (a scheduler bug). */
    void advanceTo(long millis) {
        if (millis < nowMillis) {
            throw new IllegalStateException("clock would go backwards: " + nowMillis + " -> " + millis);
        }
        nowMillis = millis;
    }
}
