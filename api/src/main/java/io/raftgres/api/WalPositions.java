package io.raftgres.api;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberRecord;

import java.util.Optional;

/**
 * Where the primary's WAL is, as far as the replicated state and this member can tell: the
 * reference point for every lag the API reports or checks. Stateless.
 */
final class WalPositions {

    private WalPositions() {
    }

    /**
     * The newest primary position in the replicated state: the leader record's optime or the
     * leader's own member record, whichever is further; empty when there is no leader key.
     */
    static Optional<Lsn> leaderPosition(ClusterState cluster) {
        LeaderRecord leader = cluster.leader();
        if (leader == null) {
            return Optional.empty();
        }
        Lsn position = leader.optime() == null ? Lsn.ZERO : leader.optime();
        MemberRecord record = cluster.members().get(leader.member());
        if (record != null && record.receiveLsn() != null && record.receiveLsn().isAfter(position)) {
            position = record.receiveLsn();
        }
        return Optional.of(position);
    }

    /**
     * The primary position as a replica sees it (Patroni's rule): the replicated position, or
     * what the local WAL receiver already got if that is further.
     */
    static Lsn leaderPositionSeenBy(StatusSnapshot snapshot) {
        Lsn replicated = leaderPosition(snapshot.cluster()).orElse(Lsn.ZERO);
        Lsn received = orZero(snapshot.local().writeLsn());
        return received.isAfter(replicated) ? received : replicated;
    }

    static Lsn orZero(Lsn lsn) {
        return lsn == null ? Lsn.ZERO : lsn;
    }
}
