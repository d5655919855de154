package io.raftgres.core.sync;

import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.SyncSettings;
import io.raftgres.core.model.SyncState;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the synchronous planner sees in one cycle on one member.
 *
 * @param me            this member
 * @param term          the current Raft term
 * @param primary       this member runs the writable primary and may (Raft leader, lease, leader key)
 * @param replica       this member's PostgreSQL runs as a standby and {@code inPostgres} was read from it
 * @param featureLevel  the cluster's feature level
 * @param settings      the dynamic config's synchronous keys
 * @param gate          the lease gate is on here
 * @param published     the replicated {@link SyncState}, else null
 * @param inPostgres    PostgreSQL's synchronous_standby_names as read back; empty when it is not a
 *                      value raftgres renders
 * @param appliedAt     the primary's flushed WAL position when this agent last wrote
 *                      {@code inPostgres}, in this term; null when it did not (then it writes it again)
 * @param rows          pg_stat_replication
 * @param allowed       members that may be synchronous standbys: known, not tagged nosync, reporting
 */
public record SyncInput(String me, long term, boolean primary, boolean replica, int featureLevel, SyncSettings settings, boolean gate,
                        SyncState published, Optional<StandbyNames> inPostgres, Lsn appliedAt, List<ReplicaRow> rows,
                        Set<String> allowed) {

    public SyncInput {
        rows = List.copyOf(rows);
        allowed = Set.copyOf(allowed);
    }
}
