package io.raftgres.agent.config;

import io.raftgres.core.timing.SafetyTiming;

import java.time.Duration;

/**
 * The configuration's timing checks on the {@code raft} section. The safety rule itself
 * ({@code lease + lease_check_interval + fence_budget + drift < election_timeout_min}, ET_min &lt;
 * ET_max, heartbeat at most a third of the lease) is {@link SafetyTiming}'s, the same object the
 * raft module, the lease guard and the simulation use; this class reports its problems under the
 * config keys and adds the checks that involve other sections (VIP lifetime, watchdog timeout).
 */
final class TimingRule {
    private TimingRule() {
    }

    static void check(YamlSection s, SafetyTiming timing) {
        timing.problems().forEach(p -> s.problem(p.key(), p.reason()));
    }

    /**
     * Keeps the VIP's kernel lifetime short against the timing: {@code lifetime + 1 s} (Linux rounds the
     * expiry up to a whole second) {@code + heartbeat_interval} must come before {@code election_timeout_min}
     * plus the takeover delay ({@code lease + lease_check_interval + fence_budget + drift}). The exact bound a
     * new primary waits for is {@code SafetyTiming.vipGoneAfterHeartbeat} (it adds the lease window in which
     * the lifetime is set and the command's bound), and the waits honour it whatever the lifetime
     * ({@code TakeoverTiming.takeoverDelayFromElection}); this check refuses lifetimes that would make those waits
     * much longer than the timing's own.
     */
    static void checkVipLifetime(ConfigProblems problems, RaftSettings raft, Duration lifetime) {
        if (lifetime.isZero()) {
            return;
        }
        Duration takeover = raft.safety().takeoverDelay();
        Duration gone = lifetime.plusSeconds(1).plus(raft.heartbeatInterval());
        Duration earliestNewVip = raft.electionTimeoutMin().plus(takeover);
        if (gone.compareTo(earliestNewVip) >= 0) {
            problems.add("vip.lifetime_s", "lifetime_s (" + lifetime.toSeconds() + " s) + 1 s of kernel rounding"
                    + " + heartbeat_interval (" + ms(raft.heartbeatInterval()) + ") = " + ms(gone) + " must be less"
                    + " than election_timeout_min + takeover delay (" + ms(raft.electionTimeoutMin()) + " + "
                    + ms(takeover) + " = " + ms(earliestNewVip) + "): otherwise a frozen primary's host may still"
                    + " answer for the VIP when a new primary adds it; lower lifetime_s, or set 0 to disable it");
        }
    }

    /**
     * A required watchdog needs a whole-second timeout {@code T} with
     * {@code lease + T + safety_margin <= election_timeout_min}; refused here rather than at start,
     * so {@code --validate-config} reports it. (In automatic mode the agent goes on without one and
     * says so.)
     */
    static void checkWatchdogTimeout(ConfigProblems problems, RaftSettings raft, Duration margin) {
        try {
            io.raftgres.watchdog.WatchdogSettings.requiredTimeoutSeconds(raft.lease(), raft.electionTimeoutMin(),
                    margin);
        } catch (IllegalArgumentException e) {
            problems.add("watchdog.mode", "is required, but " + e.getMessage());
        }
    }

    static String ms(Duration d) {
        return d.toMillis() + "ms";
    }
}
