package io.raftgres.watchdog;

import io.raftgres.core.spi.WatchdogControl;
import java.nio.file.Files;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Arms, feeds and disarms one Linux watchdog device. The agent arms it just before promotion,
 * feeds it only while its lease is valid, and disarms it on demotion, in pause and on clean
 * shutdown (usually through {@link WatchdogPolicy}, which adds the mode rules).
 *
 * <p>State machine (every method is idempotent in the state where it has nothing to do):
 * <pre>
 * state     call          effect                                                    next
 * DISARMED  arm(T)        open; GETSUPPORT (must offer MAGICCLOSE); SETTIMEOUT T     ARMED
 *                         (if offered); GETTIMEOUT must be in 1..T; feed once
 *                         any step fails once open: magic close, false, reason in   DISARMED
 *                         lastError()
 * ARMED     arm(T)        same T: nothing; other T: SETTIMEOUT + GETTIMEOUT again   ARMED, or DISARMED on failure
 * ARMED     keepalive()   write '1'; a failure is logged once per streak            ARMED
 * ARMED     disarm()      write 'V', then close: the countdown stops                DISARMED
 * DISARMED  keepalive(),  nothing
 *           disarm()
 * </pre>
 * Why a device without {@code WDIOF_MAGICCLOSE} is refused: disarming could then not stop the
 * countdown, and with a 1 s timeout every demotion or switchover would reset the host.
 * Why the magic close skips a regular file: a regular file is never a watchdog (no countdown
 * runs), and writing 'V' would only damage a file named as the device by mistake. Any other file
 * that was opened gets the 'V', even if an ioctl failed, because its countdown may be running.
 *
 * <p>Thread-safe: all methods are synchronized; each is a few system calls and never blocks.
 */
public final class LinuxWatchdog implements WatchdogControl {

    private static final Logger LOG = LoggerFactory.getLogger(LinuxWatchdog.class);
    private static final byte KEEPALIVE = '1';
    private static final byte MAGIC_CLOSE = 'V';

    private final WatchdogDevice device;
    private final int timeoutSeconds;
    private int armedTimeout;
    private String lastError;
    private boolean feedFailing;

    /**
     * @param device         the device to drive
     * @param timeoutSeconds the timeout {@link #arm()} sets, from
     *                       {@link WatchdogSettings#requiredTimeoutSeconds}
     */
    public LinuxWatchdog(WatchdogDevice device, int timeoutSeconds) {
        requireValidTimeout(timeoutSeconds);
        this.device = device;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Arms with the configured timeout. */
    @Override
    public boolean arm() {
        return arm(timeoutSeconds);
    }

    /** Arms with {@code seconds}, or changes the timeout of an armed watchdog; see the class table. */
    public synchronized boolean arm(int seconds) {
        requireValidTimeout(seconds);
        if (isArmed() && armedTimeout == seconds) {
            return true;
        }
        try {
            if (!isArmed()) {
                device.open();
                WatchdogInfo info = device.support();
                if (!info.hasMagicClose()) {
                    throw new WatchdogException("watchdog '" + info.identity() + "' at " + device.path()
                            + " has no magic close, so disarming could not stop it");
                }
                if (info.canSetTimeout()) {
                    device.setTimeout(seconds);
                }
            } else {
                device.setTimeout(seconds);
            }
            int actual = device.timeout();
            if (actual < WatchdogSettings.MIN_TIMEOUT_SECONDS || actual > seconds) {
                throw new WatchdogException("watchdog at " + device.path() + " runs with a " + actual
                        + " s timeout, " + seconds + " s or less is needed");
            }
            device.write(KEEPALIVE);
            armedTimeout = seconds;
            lastError = null;
            feedFailing = false;
            LOG.info("watchdog {} armed, timeout {} s", device.path(), actual);
            return true;
        } catch (WatchdogException e) {
            lastError = e.getMessage();
            close();
            return false;
        }
    }

    @Override
    public synchronized void keepalive() {
        if (!isArmed()) {
            return;
        }
        try {
            device.write(KEEPALIVE);
            if (feedFailing) {
                LOG.info("watchdog {} is being fed again", device.path());
                feedFailing = false;
            }
        } catch (WatchdogException e) {
            lastError = e.getMessage();
            if (!feedFailing) {
                LOG.error("cannot feed the watchdog, the host will be reset within {} s: {}", armedTimeout,
                        e.getMessage());
                feedFailing = true;
            }
        }
    }

    @Override
    public synchronized void disarm() {
        if (isArmed()) {
            close();
            LOG.info("watchdog {} disarmed", device.path());
        }
    }

    @Override
    public synchronized boolean isArmed() {
        return device.isOpen();
    }

    /** Whether the device file exists and is writable; does not open it. */
    public boolean isAvailable() {
        return device.isAvailable();
    }

    /** Why the last {@link #arm} or {@link #keepalive} failed; empty after a successful arm. */
    public synchronized Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    public WatchdogDevice device() {
        return device;
    }

    private static void requireValidTimeout(int seconds) {
        if (seconds < WatchdogSettings.MIN_TIMEOUT_SECONDS || seconds > WatchdogSettings.MAX_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("watchdog timeout " + seconds + " s is outside 1..65534 s");
        }
    }

    /** Closes the device with the magic close, except for a regular file (see class comment). */
    private void close() {
        if (device.isOpen() && !Files.isRegularFile(device.path())) {
            try {
                device.write(MAGIC_CLOSE);
            } catch (WatchdogException e) {
                LOG.warn("watchdog magic close failed, the host may be reset within {} s: {}",
                        Math.max(armedTimeout, 1), e.getMessage());
            }
        }
        try {
            device.close();
        } catch (WatchdogException e) {
            LOG.warn("closing the watchdog failed: {}", e.getMessage());
        }
        armedTimeout = 0;
    }
}
