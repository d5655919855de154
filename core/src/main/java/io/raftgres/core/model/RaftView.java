package io.raftgres.core.model;

/**
 * What the local Raft server says this cycle.
 *
 * @param term               current Raft term (never decreases)
 * @param role               local role
 * @param leaderId           member name of the known Raft leader, else null
 * @param leaderReady        leader and the first entry of its term is applied
 * @param leaseValid         this member is Raft leader and its lease (from quorum-acknowledged
 *                           heartbeats, on the monotonic clock) has not lapsed; the only
 *                           signal that allows running a writable primary
 * @param leaderSinceMillis  agent-clock time (ms) at which this member became leader in this
 *                           term, or -1; used to give followers time to publish fresh state
 * @param quorumReachable    a write to the Raft log succeeded recently (any role)
 * @param silentLeader       when this member is leader after a campaign its leader silence detector started: the
 *                           previous Raft leader, whose silence of at least {@code election_timeout_min} started it;
 *                           else null. A hint for the freshness wait, never a safety decision.
 * @param takeoverFromMillis agent-clock time (ms) from which a new leader counts its takeover delay, or -1: no
 *                           leader of an earlier term holds a lease on a heartbeat sent after it. At most
 *                           {@code leaderSinceMillis}; earlier when the raft module proves that every entry in this
 *                           member's log of an earlier term reached it by then (its last contact with the old leader)
 */
public record RaftView(long term, RaftRole role, String leaderId, boolean leaderReady, boolean leaseValid,
                       long leaderSinceMillis, boolean quorumReachable, String silentLeader, long takeoverFromMillis) {

    public RaftView {
        if (takeoverFromMillis > leaderSinceMillis) {
            throw new IllegalArgumentException("takeoverFromMillis (" + takeoverFromMillis + ") after leaderSinceMillis ("
                    + leaderSinceMillis + ")");
        }
    }

    /** A view whose takeover delay counts from the election. */
    public RaftView(long term, RaftRole role, String leaderId, boolean leaderReady, boolean leaseValid,
                    long leaderSinceMillis, boolean quorumReachable, String silentLeader) {
        this(term, role, leaderId, leaderReady, leaseValid, leaderSinceMillis, quorumReachable, silentLeader,
                leaderSinceMillis);
    }

    /** A view without a silent previous leader. */
    public RaftView(long term, RaftRole role, String leaderId, boolean leaderReady, boolean leaseValid,
                    long leaderSinceMillis, boolean quorumReachable) {
        this(term, role, leaderId, leaderReady, leaseValid, leaderSinceMillis, quorumReachable, null);
    }

    public boolean isLeaderWithLease() {
        return role == RaftRole.LEADER && leaderReady && leaseValid;
    }
}
