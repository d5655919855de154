package io.raftgres.watchdog;

import java.nio.file.Path;

/**
 * The operations of the Linux watchdog character device, one method per system call. The seam
 * between {@link LinuxWatchdog}'s state machine and the kernel: production uses
 * {@link LinuxWatchdogDevice} (foreign function API), tests a fake that records the calls.
 *
 * <p>Semantics to keep in mind: opening a real watchdog starts its countdown; every write feeds
 * it; closing stops it only if the byte written last was 'V' and the driver supports the magic
 * close. One device, one opener: a second open fails with {@code EBUSY}.
 *
 * <p>Not thread-safe: one owner ({@link LinuxWatchdog}) serializes all calls.
 */
public interface WatchdogDevice {

    /** The device file this instance opens. */
    Path path();

    /**
     * Whether the device file exists and is writable by us. A cheap check that does not open the
     * device, and so does not start a countdown.
     */
    boolean isAvailable();

    /** Opens the device for writing. */
    void open() throws WatchdogException;

    boolean isOpen();

    /** {@code WDIOC_GETSUPPORT}: the driver's identity and capabilities. */
    WatchdogInfo support() throws WatchdogException;

    /** {@code WDIOC_SETTIMEOUT}: asks for {@code seconds}; returns what the driver reports it set. */
    int setTimeout(int seconds) throws WatchdogException;

    /** {@code WDIOC_GETTIMEOUT}: the countdown the driver actually uses, in seconds. */
    int timeout() throws WatchdogException;

    /** Writes one byte: any byte feeds the watchdog; 'V' also arms the magic close. */
    void write(byte b) throws WatchdogException;

    /** Closes the descriptor. Idempotent; the descriptor is released even when this throws. */
    void close() throws WatchdogException;
}
