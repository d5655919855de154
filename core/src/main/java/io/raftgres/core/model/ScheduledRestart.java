package io.raftgres.core.model;

/**
 * An operator's restart of one member's PostgreSQL at a set time ({@code POST /restart} with
 * {@code schedule}), kept in the replicated state under the member's name until its own HA loop
 * carries it out or an operator deletes it (feature level 6). The conditions are Patroni's: the
 * member restarts only if they still hold when the restart is due; otherwise the entry is dropped.
 *
 * @param scheduleMillis    when it is due (epoch ms, the requesting agent's clock)
 * @param restartPending    only if a parameter is pending a restart on the member then
 * @param role              only if the member runs in this role then (null: any)
 * @param postgresVersion   only if the running server_version_num is below it (0: any)
 * @param timeoutSeconds    Patroni's restart {@code timeout}, kept and shown (0: none); the restart
 *                          itself is bounded by {@code primary_start_timeout} as any restart
 * @param requestedAtMillis when it was requested (epoch ms); tells one schedule from a later one
 */
public record ScheduledRestart(long scheduleMillis, boolean restartPending, PgRole role, int postgresVersion,
                               long timeoutSeconds, long requestedAtMillis) {

    /** True once {@code wallMillis} has reached the schedule. */
    public boolean dueAt(long wallMillis) {
        return wallMillis >= scheduleMillis;
    }
}
