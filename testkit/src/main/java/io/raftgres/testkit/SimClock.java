package io.raftgres.testkit;

import io.raftgres.ha.Clock;

/**
 * The agent's {@link Clock} in a simulation: the scheduler's time for both readings, the wall
 * clock starting at a fixed epoch instant so member records and history carry plausible dates.
 */
record SimClock(FakeClock clock) implements Clock {

    /** 2026-01-01T00:00:00Z: where simulated wall time starts. */
    static final long WALL_EPOCH_MILLIS = 1_767_225_600_000L;

    @Override
    public long monotonicMillis() {
        return clock.nowMillis();
    }

    @Override
    public long wallMillis() {
        return WALL_EPOCH_MILLIS + clock.nowMillis();
    }
}
