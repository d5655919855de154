package io.raftgres.watchdog;

import java.util.Optional;

/**
 * A watchdog operation failed: the device could not be opened, an ioctl was refused, a write
 * failed, or the device does not meet our needs. Checked, because it is an expected operational
 * failure at the I/O edge; {@link LinuxWatchdog} turns it into a false return and a
 * {@link LinuxWatchdog#lastError() reason}.
 */
public final class WatchdogException extends Exception {

    private final int errno;

    /** A failed system call; the message names the errno (e.g. {@code ENOTTY}) and its text. */
    public WatchdogException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** A failure that is not a system call error (e.g. the device cannot do the timeout). */
    public WatchdogException(String message) {
        this(message, 0);
    }

    /** The C errno of the failed call, if a system call failed. */
    public Optional<Integer> errno() {
        return errno == 0 ? Optional.empty() : Optional.of(errno);
    }
}
