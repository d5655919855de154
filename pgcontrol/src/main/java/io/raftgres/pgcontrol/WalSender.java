package io.raftgres.pgcontrol;

/**
 * One row of the primary's {@code pg_stat_replication}: a connected standby or WAL client, for the REST
 * API's replication list. Immutable; fields are null when PostgreSQL reports NULL.
 *
 * @param usename         role the client logged in as
 * @param applicationName the client's application_name (a member name for raftgres replicas)
 * @param clientAddr      client address, null for unix-socket clients
 * @param state           e.g. streaming, catchup, backup
 * @param syncState       async, potential, sync or quorum
 * @param syncPriority    priority as a synchronous standby (0 for async)
 */
public record WalSender(String usename, String applicationName, String clientAddr, String state,
                        String syncState, int syncPriority) {
}
