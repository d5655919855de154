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
        Duration worstCase = lease.plus(check).plus(fence).plus(drift);
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

    static String ms(Duration d) {
        return d.toMillis() + "ms";
    }
}
