package io.raftgres.core.timing;

import java.util.Objects;

/**
 * What a lapse of the leader lease does to a member whose PostgreSQL may be writable: fence at once
 * (stop PostgreSQL, remove the VIP), or, with the lease gate in effect, only keep the gate closed until
 * a new leader could exist. Pure: the caller passes the facts and the time (monotonic milliseconds).
 *
 * <p><b>Why the gate alone is enough for a while.</b> With the gate, PostgreSQL acknowledges a commit
 * only after the gate confirmed its WAL position, and the gate confirms only under a valid lease. So
 * once the lease ended, the primary acknowledges nothing, whether or not it keeps running: what makes
 * two primaries dangerous (two members acknowledging writes) cannot happen. What is left are the VIP
 * and PostgreSQL themselves, which must be gone before a new primary can appear. No new leader exists
 * before {@code s + election_timeout_min}, where {@code s} is the send time of this member's last
 * heartbeat a majority acknowledged ({@code RaftLease}); the fence takes one check interval to start
 * and the fence budget to finish, and the hosts' clocks may drift. Hence the fence starts at
 * {@code s + }{@link SafetyTiming#gatedStopAfterHeartbeat()} at the latest, the one deadline this rule
 * uses. A lease that comes back before then, in the same term, reopens the gate with no restart.
 *
 * <p><b>When it fences at once.</b> The gate is off or not in effect (PostgreSQL would acknowledge
 * without it), the lease was never granted or belongs to an earlier term (a new term means another
 * member may be campaigning or leading), or the leader key names another member. Only the last
 * granted lease's term and end count; a step-down within the term keeps them.
 *
 * @param timing the one source of the deadline
 */
public record LapseRule(SafetyTiming timing) {

    public LapseRule {
        Objects.requireNonNull(timing, "timing");
    }

    /** Why a verdict was reached; one per branch. */
    public enum Reason {
        /** Leader with a valid lease and the leader key: nothing to do. */
        LEASE_HOLDS,
        /** The lease lapsed in this term, the gate holds every commit, the deadline is ahead. */
        GATE_HOLDS,
        /** The lease lapsed and the gate is off or not in effect. */
        GATE_NOT_IN_EFFECT,
        /** No lease was granted in the current term (a new term began, or none was ever granted). */
        NO_LEASE_IN_TERM,
        /** The leader key names another member. */
        ANOTHER_LEADER_KEY,
        /** The lease lapsed long enough ago that a new leader could exist by the end of the fence. */
        DEADLINE_PASSED
    }

    /**
     * @param reason        why
     * @param fence         whether PostgreSQL must be stopped and the VIP removed now
     * @param deadlineMillis when the fence starts if the lease does not come back (GATE_HOLDS), else -1
     */
    public record Verdict(Reason reason, boolean fence, long deadlineMillis) {

        /** Leave PostgreSQL and the VIP alone (the lease holds, or the gate holds and the deadline is ahead). */
        public boolean keepsRunning() {
            return !fence;
        }

        /** One sentence for the log. */
        public String sentence() {
            return switch (reason) {
                case LEASE_HOLDS -> "the lease holds";
                case GATE_HOLDS -> "the lease lapsed: the gate holds every commit; PostgreSQL keeps running until the"
                        + " lease returns or the deadline";
                case GATE_NOT_IN_EFFECT -> "the lease lapsed and the lease gate is not in effect";
                case NO_LEASE_IN_TERM -> "the lease lapsed and this member holds no lease of the current term";
                case ANOTHER_LEADER_KEY -> "the leader key names another member";
                case DEADLINE_PASSED -> "the lease lapsed long enough ago that a new leader could exist";
            };
        }
    }

    /**
     * @param mayRunPrimary    Raft leader, leader-ready, valid lease, leader key held: the gate's own question
     * @param lastGrant        the last lease granted to this member (expiry in the same milliseconds as
     *                         {@code nowMillis}); kept across a step-down within the term
     * @param currentTerm      the local Raft server's term now
     * @param anotherLeaderKey the leader key names another member
     * @param gateInEffect     the gate is on and PostgreSQL requires it for every commit
     * @param nowMillis        monotonic milliseconds
     */
    public Verdict judge(boolean mayRunPrimary, LeaseGrant lastGrant, long currentTerm, boolean anotherLeaderKey,
                         boolean gateInEffect, long nowMillis) {
        if (mayRunPrimary) {
            return new Verdict(Reason.LEASE_HOLDS, false, -1);
        }
        if (!gateInEffect) {
            return new Verdict(Reason.GATE_NOT_IN_EFFECT, true, -1);
        }
        if (anotherLeaderKey) {
            return new Verdict(Reason.ANOTHER_LEADER_KEY, true, -1);
        }
        if (lastGrant == null || !lastGrant.granted() || lastGrant.term() != currentTerm) {
            return new Verdict(Reason.NO_LEASE_IN_TERM, true, -1);
        }
        long deadline = deadline(lastGrant);
        if (nowMillis - deadline >= 0) {
            return new Verdict(Reason.DEADLINE_PASSED, true, deadline);
        }
        return new Verdict(Reason.GATE_HOLDS, false, deadline);
    }

    /** When a gated lapse of {@code grant} must fence: its last heartbeat's send time + the gated stop delay. */
    public long deadline(LeaseGrant grant) {
        long sentAt = grant.expiry() - timing.lease().toMillis();
        return sentAt + timing.gatedStopAfterHeartbeat().toMillis();
    }
}
