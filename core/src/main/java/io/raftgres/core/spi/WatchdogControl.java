package io.raftgres.core.spi;

/**
 * The port to the Linux watchdog. {@link #arm} returns false when the device cannot be armed
 * (missing device, ioctl refused); a member in {@code required} mode then never becomes primary.
 */
public interface WatchdogControl {
    boolean arm();

    /** Feeds the watchdog; called only while the lease is valid. */
    void keepalive();

    /** Magic close: the device will not reset the host. */
    void disarm();

    boolean isArmed();

    /**
     * Whether this member may try to become primary now as far as the watchdog is concerned: false
     * in {@code required} mode while the watchdog cannot be armed (until a retry is due). The
     * decider hands the leader key on instead of retrying promotion every cycle.
     */
    default boolean canBecomePrimary() {
        return true;
    }

    /** Published as {@code watchdog_failed}: required but unusable, so peers never choose this member. */
    default boolean watchdogFailed() {
        return false;
    }

    WatchdogControl NONE = new WatchdogControl() {
        @Override public boolean arm() { return true; }
        @Override public void keepalive() { }
        @Override public void disarm() { }
        @Override public boolean isArmed() { return false; }
    };
}
