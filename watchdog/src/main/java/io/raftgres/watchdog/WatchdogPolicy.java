package io.raftgres.watchdog;

import io.raftgres.core.spi.WatchdogControl;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchdog as the agent sees it: a {@link WatchdogControl} that applies the configured
 * {@link WatchdogMode} on top of a {@link LinuxWatchdog}. The agent calls {@link #arm()} just
 * before promotion and promotes only if it returns true; it asks {@link #canBecomePrimary()}
 * when deciding whether it may stand as primary, and publishes {@link #watchdogFailed()} as
 * {@code watchdog_failed} in {@code /patroni} so peers skip it.
 *
 * <pre>
 * mode       arm() when the device cannot be armed            canBecomePrimary()   watchdogFailed()
 * OFF        true, device never opened                        true                 false
 * AUTOMATIC  true; WARN once per unavailable streak           true                 false
 * REQUIRED   false; WARN on each failed attempt               see below            see below
 * </pre>
 * In REQUIRED mode, {@code watchdogFailed()} is true while the watchdog is not armed and either
 * the device file is missing or unwritable, or the last attempt to arm it failed (until one
 * succeeds). {@code canBecomePrimary()} is true when armed, or when the device file is there and
 * no attempt failed in the last {@code retryInterval}, so that a member retries now and then
 * (after an operator loads the driver, say) instead of trying, and logging, every cycle.
 *
 * <p>Thread-safe: state changes are synchronized; the clock is injected for tests.
 */
public final class WatchdogPolicy implements WatchdogControl {

    private static final Logger LOG = LoggerFactory.getLogger(WatchdogPolicy.class);
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(30);

    private final WatchdogMode mode;
    private final LinuxWatchdog watchdog;
    private final Duration retryInterval;
    private final LongSupplier nanoClock;
    private final String unusableReason;
    private boolean unavailableSaid;
    private boolean armFailed;
    private long armFailedAtNanos;

    /**
     * @param watchdog      the device driver; null only when no usable timeout exists, and then
     *                      {@code unusableReason} says why
     * @param nanoClock     monotonic nanoseconds ({@code System::nanoTime} in production)
     */
    WatchdogPolicy(WatchdogMode mode, LinuxWatchdog watchdog, String unusableReason, Duration retryInterval,
                   LongSupplier nanoClock) {
        this.mode = mode;
        this.watchdog = watchdog;
        this.unusableReason = unusableReason;
        this.retryInterval = retryInterval;
        this.nanoClock = nanoClock;
    }

    /**
     * The production policy for {@code settings}, with the timeout derived from the lease and the
     * minimum election timeout ({@link WatchdogSettings#timeoutSeconds}).
     *
     * @throws IllegalArgumentException in REQUIRED mode when no safe timeout exists; in AUTOMATIC
     *                                  mode the member then runs without a watchdog, saying so once
     */
    public static WatchdogPolicy create(WatchdogSettings settings, Duration lease, Duration electionTimeoutMin) {
        return create(settings, lease, electionTimeoutMin, new LinuxWatchdogDevice(settings.device()),
                DEFAULT_RETRY_INTERVAL, System::nanoTime);
    }

    /** As {@link #create(WatchdogSettings, Duration, Duration)} over any device, retry interval and clock. */
    public static WatchdogPolicy create(WatchdogSettings settings, Duration lease, Duration electionTimeoutMin,
                                       WatchdogDevice device, Duration retryInterval, LongSupplier nanoClock) {
        if (settings.mode() == WatchdogMode.OFF) {
            return new WatchdogPolicy(WatchdogMode.OFF, null, "watchdog.mode is off", retryInterval, nanoClock);
        }
        try {
            LinuxWatchdog watchdog = new LinuxWatchdog(device, settings.timeoutSeconds(lease, electionTimeoutMin));
            return new WatchdogPolicy(settings.mode(), watchdog, null, retryInterval, nanoClock);
        } catch (IllegalArgumentException e) {
            if (settings.mode() == WatchdogMode.REQUIRED) {
                throw new IllegalArgumentException("watchdog.mode is required, but " + e.getMessage(), e);
            }
            return new WatchdogPolicy(WatchdogMode.AUTOMATIC, null, e.getMessage(), retryInterval, nanoClock);
        }
    }

    /** Arms the watchdog if the mode asks for it; false only in REQUIRED mode when that fails. */
    @Override
    public synchronized boolean arm() {
        if (mode == WatchdogMode.OFF) {
            return true;
        }
        if (watchdog != null && watchdog.arm()) {
            armFailed = false;
            unavailableSaid = false;
            return true;
        }
        String reason = reason();
        if (mode == WatchdogMode.REQUIRED) {
            armFailed = true;
            armFailedAtNanos = nanoClock.getAsLong();
            LOG.warn("watchdog is required but could not be armed, so this member will not become primary: {}",
                    reason);
            return false;
        }
        if (!unavailableSaid) {
            LOG.warn("watchdog unavailable, continuing without it (watchdog.mode is automatic): {}", reason);
            unavailableSaid = true;
        }
        return true;
    }

    @Override
    public void keepalive() {
        if (watchdog != null) {
            watchdog.keepalive();
        }
    }

    @Override
    public void disarm() {
        if (watchdog != null) {
            watchdog.disarm();
        }
    }

    @Override
    public boolean isArmed() {
        return watchdog != null && watchdog.isArmed();
    }

    /** Whether this member may stand as primary as far as the watchdog is concerned. */
    @Override
    public synchronized boolean canBecomePrimary() {
        if (mode != WatchdogMode.REQUIRED || isArmed()) {
            return true;
        }
        boolean retryDue = !armFailed || nanoClock.getAsLong() - armFailedAtNanos >= retryInterval.toNanos();
        return watchdog.isAvailable() && retryDue;
    }

    /** {@code watchdog_failed} for {@code /patroni}: REQUIRED mode and no watchdog to be had. */
    @Override
    public synchronized boolean watchdogFailed() {
        return mode == WatchdogMode.REQUIRED && !isArmed() && (armFailed || !watchdog.isAvailable());
    }

    public WatchdogMode mode() {
        return mode;
    }

    /** Why the watchdog is not usable or the last arm failed, if it is not or did. */
    public synchronized Optional<String> lastError() {
        return watchdog == null ? Optional.ofNullable(unusableReason) : watchdog.lastError();
    }

    private String reason() {
        if (watchdog == null) {
            return unusableReason;
        }
        return watchdog.lastError().orElse("unknown reason");
    }
}
