package io.raftgres.api;

/**
 * One row of {@code pg_stat_replication} on this member (a standby streaming from it), as the
 * agent last read it. Shown in the {@code replication} list of {@code GET /patroni}.
 * Immutable; any field but {@code syncPriority} may be null when PostgreSQL did not report it.
 *
 * @param usename         replication role name
 * @param applicationName the standby's application_name (raftgres sets it to the member name)
 * @param clientAddr      the standby's address
 * @param state           WAL sender state ("streaming", "catchup", ...)
 * @param syncState       "async", "potential", "sync" or "quorum"
 * @param syncPriority    priority among synchronous standby candidates, 0 for async
 */
public record WalSenderInfo(String usename, String applicationName, String clientAddr, String state,
                            String syncState, int syncPriority) {
}
