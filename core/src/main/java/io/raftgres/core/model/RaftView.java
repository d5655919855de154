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
 * @param priorContactMillis agent-clock time (ms), when this member is leader: a proven upper bound on the
 *                           send time of every lease heartbeat of an earlier term (the raft module's
 *                           {@code PriorContactRule}: its last contact with any leader before the campaign that
 *                           made it leader); -1 when nothing is proven. See {@code DeciderConfig#takeoverWaitLeft}.
 * @param silentLeader       with a proven prior contact: the member whose silence of at least
 *                           {@code election_timeout_min} started that campaign (the previous Raft leader), else null
 */
public record RaftView(long term, RaftRole role, String leaderId, boolean leaderReady, boolean leaseValid,
                       long leaderSinceMillis, boolean quorumReachable, long priorContactMillis, String silentLeader) {

    /** A view without a proven prior contact. */
    public RaftView(long term, RaftRole role, String leaderId, boolean leaderReady, boolean leaseValid,
                    long leaderSinceMillis, boolean quorumReachable) {
        this(term, role, leaderId, leaderReady, leaseValid, leaderSinceMillis, quorumReachable, -1, null);
    }

    public boolean isLeaderWithLease() {
        return role == RaftRole.LEADER && leaderReady && leaseValid;
    }
}
