package io.raftgres.watchdog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of the watchdog, the {@code watchdog} section of the agent's YAML:
 * <pre>
 * watchdog:
 *   mode: automatic          # off | automatic | required
 *   device: /dev/watchdog
 *   safety_margin_ms: 0      # extra slack kept between the reset and the earliest new leader
 * </pre>
 *
 * <h2>Timeout derivation</h2>
 * The watchdog must reset a frozen primary's host before a new primary can appear.
 * <ol>
 *   <li>Let {@code s} be the send time of the last lease heartbeat a majority acknowledged. With
 *       pre-vote on, no other member can win an election before {@code s + ET_min}
 *       ({@code ET_min} = Raft minimum election timeout, 2000 ms by default): a majority heard
 *       from the old leader at or after {@code s}.</li>
 *   <li>The lease ends at {@code s + L} ({@code L} = 1000 ms), and the agent feeds the watchdog
 *       only while its lease is valid, so its last feed {@code f} satisfies {@code f <= s + L}.</li>
 *   <li>If the agent (or the whole host) freezes right after that feed, the device resets the host
 *       at most {@code T} later: at {@code f + T <= s + L + T}.</li>
 *   <li>Safe if the reset comes before the earliest new leader, with a margin {@code M} for device
 *       granularity, reset latency and clock-rate drift between hosts:
 *       <b>{@code L + T + M <= ET_min}</b>.</li>
 * </ol>
 * Linux watchdog timeouts are whole seconds, at least 1. So the timeout is
 * {@code T = floor((ET_min - L - M) / 1 s)}, and it exists only if {@code ET_min >= L + M + 1 s}.
 * With the defaults (L = 1000 ms, ET_min = 2000 ms) that forces {@code T = 1 s} and leaves no room
 * for a margin: the default margin is 0. The real slack is the time a new leader still needs
 * after winning the election (committing its leader claim, then {@code pg_ctl promote}, then the
 * VIP), which the rule does not count. Consequences:
 * <ul>
 *   <li>A device that cannot do 1 s (its {@code WDIOC_GETTIMEOUT} reports more), or any wish for
 *       a margin, needs a longer election timeout: raise {@code election_timeout_min} to at least
 *       {@code L + T + M}, e.g. 2500 ms for T = 1 s and M = 500 ms, or 3000 ms for T = 2 s.</li>
 *   <li>{@link #requiredTimeoutSeconds} refuses combinations with no whole-second answer, naming
 *       the numbers, rather than arming an unsafe timeout.</li>
 * </ul>
 * What the watchdog cannot cover: a paused virtual machine also pauses its virtual watchdog, and a
 * driver loaded with {@code nowayout} ignores the magic close (the host would then reset after
 * every demotion; do not use such a driver).
 *
 * <p>Immutable.
 *
 * @param mode         how the member uses the watchdog
 * @param device       the watchdog character device
 * @param safetyMargin {@code M} above: slack kept between the reset and the earliest new leader
 */
public record WatchdogSettings(WatchdogMode mode, Path device, Duration safetyMargin) {

    public static final Path DEFAULT_DEVICE = Path.of("/dev/watchdog");
    /** What the settings are when the {@code watchdog} section is absent. */
    public static final WatchdogSettings DEFAULT =
            new WatchdogSettings(WatchdogMode.AUTOMATIC, DEFAULT_DEVICE, Duration.ZERO);

    /** The Linux watchdog API's valid timeout range, in seconds. */
    static final int MIN_TIMEOUT_SECONDS = 1;
    static final int MAX_TIMEOUT_SECONDS = 65534;

    public WatchdogSettings {
        Objects.requireNonNull(mode, "watchdog.mode is required");
        Objects.requireNonNull(device, "watchdog.device is required");
        Objects.requireNonNull(safetyMargin, "watchdog.safety_margin is required");
        if (!device.isAbsolute()) {
            throw new IllegalArgumentException("watchdog.device '" + device + "' must be an absolute path");
        }
        if (safetyMargin.isNegative() || safetyMargin.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("watchdog.safety_margin is " + safetyMargin.toMillis()
                    + " ms, must be in 0..60000 ms");
        }
    }

    /** The timeout for this configuration's margin; see {@link #requiredTimeoutSeconds(Duration, Duration, Duration)}. */
    public int timeoutSeconds(Duration lease, Duration electionTimeoutMin) {
        return requiredTimeoutSeconds(lease, electionTimeoutMin, safetyMargin);
    }

    /** {@link #requiredTimeoutSeconds(Duration, Duration, Duration)} with no margin. */
    public static int requiredTimeoutSeconds(Duration lease, Duration electionTimeoutMin) {
        return requiredTimeoutSeconds(lease, electionTimeoutMin, Duration.ZERO);
    }

    /**
     * The largest whole-second watchdog timeout {@code T} with
     * {@code lease + T + margin <= electionTimeoutMin} (see the class documentation).
     *
     * @throws IllegalArgumentException when not even 1 s fits, with the numbers and the fix
     */
    public static int requiredTimeoutSeconds(Duration lease, Duration electionTimeoutMin, Duration margin) {
        return io.raftgres.core.timing.SafetyTiming.watchdogTimeoutSeconds(lease, electionTimeoutMin, margin);
    }
}
