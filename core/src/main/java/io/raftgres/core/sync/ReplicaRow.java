package io.raftgres.core.sync;

import io.raftgres.core.model.Lsn;

/**
 * One row of the primary's {@code pg_stat_replication}, as the synchronous planner needs it.
 *
 * @param name      application_name (a member's name for raftgres replicas)
 * @param streaming state is {@code streaming}
 * @param syncState sync_state: async, potential, sync or quorum
 * @param flushLsn  the position the standby confirmed as flushed, {@link Lsn#ZERO} when unknown
 */
public record ReplicaRow(String name, boolean streaming, String syncState, Lsn flushLsn) {

    /** PostgreSQL counts this standby toward synchronous commit now. */
    public boolean counted() {
        return "sync".equals(syncState) || "quorum".equals(syncState);
    }
}
