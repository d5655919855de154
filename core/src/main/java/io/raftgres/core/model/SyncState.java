package io.raftgres.core.model;

import java.util.List;
import java.util.TreeSet;

/**
 * The published synchronous replication state (Patroni's {@code /sync} key), written only by the
 * primary holding the leader key, in its term. It is what failover trusts, so it is never ahead of
 * what PostgreSQL enforces (see {@code SyncPlanner} for the ordering rules).
 *
 * <ul>
 *   <li>{@link SyncMode#ON}: {@code members} are the synchronous standbys; each was in PostgreSQL's
 *       {@code synchronous_standby_names} and confirmed synchronous before it was published here, and
 *       leaves this set before it leaves PostgreSQL's list. So every acknowledged commit is on every
 *       member listed here; only they (or the former primary) may be promoted automatically.</li>
 *   <li>{@link SyncMode#QUORUM}: {@code members} are the voters and every acknowledged commit is on at
 *       least {@code quorum} of them. A voter enters this set before PostgreSQL's list and leaves it
 *       after; the quorum rises in PostgreSQL first and falls here first.</li>
 *   <li>Empty {@code members}: nothing but the primary is known to hold every acknowledged commit
 *       (asynchronous fallback): no automatic failover to a replica.</li>
 * </ul>
 *
 * @param primary the member whose primary published this
 * @param term    the Raft term it was published in
 * @param mode    the mode it was published under
 * @param members standbys (on) or voters (quorum), sorted
 * @param quorum  quorum mode: how many voters hold each acknowledged commit; on: members' size
 */
public record SyncState(String primary, long term, SyncMode mode, List<String> members, int quorum) {

    public SyncState {
        members = List.copyOf(new TreeSet<>(members));
    }

    /** Whether this state was published by {@code member} in {@code term}. */
    public boolean publishedBy(String member, long inTerm) {
        return primary.equals(member) && term == inTerm;
    }
}
