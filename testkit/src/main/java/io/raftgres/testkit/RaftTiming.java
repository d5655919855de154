package io.raftgres.testkit;

import io.raftgres.core.timing.SafetyTiming;
import io.raftgres.core.timing.SilenceRule;

/**
 * Timing of the simulated Raft group, its lease and the agents' lease guard, in milliseconds.
 * The safety timings (ET_min, ET_max, H, L, the guard's check interval and fence budget) are a
 * {@link SafetyTiming}, the same value and sums the agent, the raft module and the configuration
 * check use; the defaults are {@link SafetyTiming#DEFAULT}. Pre-vote on, and Ratis'
 * {@code leader.step-down.wait-time} of 10 s after a leader lost its majority.
 *
 * @param safety              ET_min is also how long a voter refuses pre-votes after hearing its
 *                            leader; ET_max how long a leader goes without a majority before stepping down
 * @param stepDownWaitMillis  no elections by a leader that stepped down for lost heartbeats, this long
 * @param transferTimeoutMillis a leadership transfer gives up (and re-enables the lease) after this
 * @param preVote             pre-vote on; the lease argument needs it (only tests turn it off)
 * @param silenceDetector     a follower campaigns at {@link SilenceRule}'s thresholds (leader silent, or none known)
 *                            ({@code election_timeout_min} plus up to 300 ms), as the agent's detector makes
 *                            it do, instead of at a random timeout up to {@code election_timeout_max}
 */
public record RaftTiming(SafetyTiming safety, long stepDownWaitMillis, long transferTimeoutMillis, boolean preVote,
                         boolean silenceDetector) {

    /**
     * {@link SafetyTiming#DEFAULT}, with ET_max widened from 2500 to 3000 ms: a wider range of
     * election timeouts explores more interleavings, and no safety sum involves ET_max.
     */
    public static final RaftTiming DEFAULT = new RaftTiming(new SafetyTiming(SafetyTiming.DEFAULT.electionTimeoutMin(),
            java.time.Duration.ofMillis(3000), SafetyTiming.DEFAULT.heartbeatInterval(), SafetyTiming.DEFAULT.lease(),
            SafetyTiming.DEFAULT.leaseCheckInterval(), SafetyTiming.DEFAULT.fenceBudget()), 10_000, 5000, true, false);

    public RaftTiming {
        if (safety.electionTimeoutMin().isNegative() || safety.electionTimeoutMin().isZero()
                || safety.electionTimeoutMax().compareTo(safety.electionTimeoutMin()) < 0) {
            throw new IllegalArgumentException("election timeout range [" + safety.electionTimeoutMin().toMillis() + ", "
                    + safety.electionTimeoutMax().toMillis() + "] is not a positive range");
        }
    }

    public long electionTimeoutMin() {
        return safety.electionTimeoutMin().toMillis();
    }

    public long electionTimeoutMax() {
        return safety.electionTimeoutMax().toMillis();
    }

    public long heartbeatMillis() {
        return safety.heartbeatInterval().toMillis();
    }

    public long leaseMillis() {
        return safety.lease().toMillis();
    }

    public long leaseCheckMillis() {
        return safety.leaseCheckInterval().toMillis();
    }

    public long fenceBudgetMillis() {
        return safety.fenceBudget().toMillis();
    }

    /** The same timing with another lease (tests that break the safety rule on purpose). */
    public RaftTiming withLeaseMillis(long lease) {
        SafetyTiming s = safety;
        return new RaftTiming(new SafetyTiming(s.electionTimeoutMin(), s.electionTimeoutMax(), s.heartbeatInterval(),
                java.time.Duration.ofMillis(lease), s.leaseCheckInterval(), s.fenceBudget()), stepDownWaitMillis,
                transferTimeoutMillis, preVote, silenceDetector);
    }

    /** The same timing with another safety timing (non-default configurations). */
    public RaftTiming withSafety(SafetyTiming timing) {
        return new RaftTiming(timing, stepDownWaitMillis, transferTimeoutMillis, preVote, silenceDetector);
    }

    /** The same timing with the agent's leader silence detector modelled ({@code silenceDetector}). */
    public RaftTiming withSilenceDetector() {
        return new RaftTiming(safety, stepDownWaitMillis, transferTimeoutMillis, preVote, true);
    }

    /**
     * A follower's next election timeout: when the detector is modelled, {@link SilenceRule#thresholdMillis(double,
     * boolean)} for a follower that knows its leader and {@link SilenceRule#leaderlessThresholdMillis} for one
     * that knows none; else (and for a candidate's round) uniform in [ET_min, ET_max] as Ratis' timer.
     */
    long electionTimeoutMillis(boolean followingLeader, boolean leaderlessFollower, boolean preferred,
                               java.util.random.RandomGenerator random) {
        if (silenceDetector && followingLeader) {
            return new SilenceRule(safety).thresholdMillis(random.nextDouble(), preferred);
        }
        if (silenceDetector && leaderlessFollower) {
            return new SilenceRule(safety).leaderlessThresholdMillis(random.nextDouble(), preferred);
        }
        return random.nextLong(electionTimeoutMin(), electionTimeoutMax() + 1);
    }
}
