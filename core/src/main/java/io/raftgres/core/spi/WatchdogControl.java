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

    WatchdogControl NONE = new WatchdogControl() {
        @Override public boolean arm() { return true; }
        @Override public void keepalive() { }
        @Override public void disarm() { }
        @Override public boolean isArmed() { return false; }
    };
}
