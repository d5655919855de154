package io.raftgres.core.model;

/**
 * The replicated leader key: which member runs the read-write primary, claimed in which
 * Raft term (the fencing token), on which timeline, and the last WAL position the primary
 * reported (Patroni's optime), against which failover lag is measured.
 */
public record LeaderRecord(String member, long term, long timeline, Lsn optime) {
}
