package io.raftgres.core.model;

/**
 * The replicated leader key: which member runs the read-write primary, claimed in which
 * Raft term (the fencing token), on which timeline, and the last WAL position the primary
 * reported (Patroni's optime), against which failover lag is measured.
 *
 * @param timelineCeiling the highest timeline number a promotion under this key or an earlier
 *                        one may have created ({@link TimelineCeiling}); set when the claim is
 *                        applied from feature level 9 on, 0 (not tracked) below it
 */
public record LeaderRecord(String member, long term, long timeline, Lsn optime, long timelineCeiling) {

    /** A key without a timeline ceiling (below feature level 9). */
    public LeaderRecord(String member, long term, long timeline, Lsn optime) {
        this(member, term, timeline, optime, 0);
    }
}
