package io.raftgres.core.timing;

/**
 * The leader lease of one Raft term: the arithmetic the raft module's {@code RaftLease} applies
 * over Ratis and the simulation's Raft applies to its own heartbeats, in one place. A heartbeat of
 * the term sent at {@code s} that commits extends the lease to {@code s + lease} (never shortens
 * it); the lease is valid while the holder still leads that term and that instant has not come.
 * Times are in any one unit on one monotonic clock; comparisons are overflow-safe.
 *
 * @param term    the Raft term the lease belongs to
 * @param granted false until a heartbeat of the term committed
 * @param expiry  when the lease ends (meaningful once granted)
 */
public record LeaseGrant(long term, boolean granted, long expiry) {

    /** No lease yet in {@code term}. */
    public static LeaseGrant none(long term) {
        return new LeaseGrant(term, false, 0);
    }

    /**
     * A heartbeat of {@code heartbeatTerm} sent at {@code sentAt} committed: the lease runs until
     * {@code sentAt + length}, or longer if it already did. A heartbeat of another term changes nothing.
     */
    public LeaseGrant committed(long heartbeatTerm, long sentAt, long length) {
        if (heartbeatTerm != term) {
            return this;
        }
        long end = sentAt + length;
        return new LeaseGrant(term, true, granted && expiry - end > 0 ? expiry : end);
    }

    /** Valid at {@code now} for a holder that is {@code leader} in {@code currentTerm}. */
    public boolean validAt(long now, long currentTerm, boolean leader) {
        return granted && leader && currentTerm == term && now - expiry < 0;
    }
}
