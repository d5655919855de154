package io.raftgres.core.decide;

import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.PgRole;

/**
 * Patroni's restart conditions ({@code restart_pending}, {@code role}, {@code postgres_version}),
 * one rule for the immediate {@code POST /restart} (checked by the API) and for a scheduled one
 * (checked by the member's HA loop when it is due, {@link ScheduledRestartRule}).
 */
public final class RestartConditions {

    private RestartConditions() {
    }

    /**
     * Why the conditions do not hold on this member now, else null.
     *
     * @param mine the member's published record (its pending restarts), or null
     */
    public static String unmet(boolean restartPending, PgRole role, int postgresVersion, LocalPgState local,
                               MemberRecord mine) {
        PgRole running = local.isWritablePrimary() ? PgRole.PRIMARY
                : local.isRunningReplica() ? PgRole.REPLICA : null;
        if (role != null && role != running) {
            return "this member is " + (running == null ? "not running" : "a " + running.name().toLowerCase())
                    + ", not a " + role.name().toLowerCase();
        }
        if (restartPending && (mine == null || mine.pendingRestart().isEmpty())) {
            return "no parameter is pending a restart here";
        }
        int version = local.serverVersion();
        if (postgresVersion > 0 && version > 0 && version >= postgresVersion) {
            return "PostgreSQL " + version + " is not older than " + postgresVersion;
        }
        return null;
    }
}
