package io.raftgres.testkit;

import io.raftgres.core.spi.WatchdogControl;

import java.util.function.LongSupplier;

/**
 * A watchdog that records what the agent did to it. {@link #setUnavailable} makes arming fail
 * (no device), or, in automatic mode ({@link #setAutomatic}), succeed without arming anything, as
 * the agent's watchdog policy does then. {@link #hasExpired} says whether, had it been real, it would have reset the host:
 * armed, and not fed within {@code timeoutMillis} of {@code nowMillis}.
 *
 * <p>Threading: single-threaded.
 */
public final class FakeWatchdog implements WatchdogControl {

    private final LongSupplier clock;
    private boolean armed;
    private boolean unavailable;
    private boolean automatic;
    private long lastFedMillis;

    public FakeWatchdog(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public boolean arm() {
        if (unavailable) {
            return automatic;
        }
        if (!armed) {
            armed = true;
            lastFedMillis = clock.getAsLong();
        }
        return true;
    }

    @Override
    public void keepalive() {
        lastFedMillis = clock.getAsLong();
    }

    @Override
    public void disarm() {
        armed = false;
    }

    @Override
    public boolean isArmed() {
        return armed;
    }

    public void setAutomatic(boolean automatic) {
        this.automatic = automatic;
    }

    public void setUnavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    public long lastFedMillis() {
        return lastFedMillis;
    }

    public boolean hasExpired(long timeoutMillis) {
        return armed && clock.getAsLong() - lastFedMillis > timeoutMillis;
    }
}
