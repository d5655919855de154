package io.raftgres.agent.config;

import java.time.Duration;

/**
 * The timing rule of ARCHITECTURE §3, checked on the {@code raft} section. With pre-vote
 * on, no new leader can exist before {@code send_time + election_timeout_min}; the old
 * leader's lease must therefore lapse, be noticed and be acted on before then:
 * {@code lease + lease_check_interval + fence_budget + drift < election_timeout_min}, with
 * drift allowed as 1% of {@code election_timeout_min} for clock-rate differences between hosts.
 */
final class TimingRule {
    private TimingRule() {
    }

    static void check(YamlSection s, Duration etMin, Duration etMax, Duration heartbeat, Duration lease,
                      Duration check, Duration fence) {
        Duration drift = etMin.dividedBy(100);
        Duration worstCase = fenceDeadline(lease, check, fence, etMin);
        if (worstCase.compareTo(etMin) >= 0) {
            s.problem("lease", "lease (" + ms(lease) + ") + lease_check_interval (" + ms(check) + ") + fence_budget ("
                    + ms(fence) + ") + clock drift allowance (1% of election_timeout_min = " + ms(drift) + ") = "
                    + ms(worstCase) + " must be less than election_timeout_min (" + ms(etMin) + "): otherwise a new"
                    + " leader may be elected while the old primary still believes it holds the lease");
        }
        if (etMin.compareTo(etMax) >= 0) {
            s.problem("election_timeout_max", "must be greater than election_timeout_min (" + ms(etMin) + "), found "
                    + ms(etMax) + ": Ratis picks each election timeout at random between the two, which keeps"
                    + " candidates from splitting the vote");
        }
        Duration third = lease.dividedBy(3);
        if (heartbeat.compareTo(third) > 0) {
            s.problem("heartbeat_interval", "must be at most a third of lease (" + ms(third) + "), found "
                    + ms(heartbeat) + ": a healthy leader must be able to lose two heartbeats in a row and still"
                    + " renew its lease before it lapses");
        }
    }

    /**
     * A frozen primary cannot renew its VIP's kernel lifetime, so its host drops the address at
     * most {@code lifetime + 1 s} (Linux rounds the expiry up to a whole second) after its last
     * renewal, which precedes its last heartbeat by at most {@code heartbeat_interval}. A new
     * primary adds the VIP no earlier than {@code election_timeout_min} after that heartbeat plus
     * the takeover delay ({@code lease + lease_check_interval + fence_budget + drift}). The first
     * must come before the second, or two hosts answer for the VIP while the old one is frozen.
     */
    static void checkVipLifetime(ConfigProblems problems, RaftSettings raft, Duration lifetime) {
        if (lifetime.isZero()) {
            return;
        }
        Duration takeover = fenceDeadline(raft.lease(), raft.leaseCheckInterval(), raft.fenceBudget(),
                raft.electionTimeoutMin());
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

    /**
     * How long after its last acknowledged heartbeat an old primary may still be writable:
     * lease + lease_check_interval + fence_budget + drift (1% of election_timeout_min). Also
     * the takeover delay a new leader waits.
     */
    private static Duration fenceDeadline(Duration lease, Duration check, Duration fence, Duration etMin) {
        return lease.plus(check).plus(fence).plus(etMin.dividedBy(100));
    }

    static String ms(Duration d) {
        return d.toMillis() + "ms";
    }
}
