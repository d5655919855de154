package io.raftgres.api;

import io.raftgres.core.model.PgRole;

import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /restart}, validated: Patroni's keys, each with its type; anything else
 * is a 400 naming the key. {@code schedule} is kept as sent and checked by {@link RestartSchedule}.
 *
 * @param restartPending restart only if PostgreSQL has parameters pending a restart
 * @param role           restart only if this member runs in that role (null: any)
 * @param postgresVersion restart only if the running server_version_num is below it (0: any)
 * @param timeoutSeconds how long the answer waits for the restart (0: the default)
 * @param schedule       the {@code schedule} value as sent, else null (an immediate restart)
 */
record RestartRequest(boolean restartPending, PgRole role, int postgresVersion, long timeoutSeconds,
                      Object schedule) {

    private static final Set<String> KEYS = Set.of("schedule", "restart_pending", "role", "postgres_version",
            "timeout");

    static RestartRequest parse(Map<String, Object> body) {
        for (String key : body.keySet()) {
            if (!KEYS.contains(key)) {
                throw new InvalidConfigException(key, "unknown key; POST /restart takes " + String.join(", ",
                        new java.util.TreeSet<>(KEYS)));
            }
        }
        Object pending = body.get("restart_pending");
        if (pending != null && !(pending instanceof Boolean)) {
            throw new InvalidConfigException("restart_pending", "must be true or false");
        }
        return new RestartRequest(Boolean.TRUE.equals(pending), role(body.get("role")),
                version(body.get("postgres_version")), timeout(body.get("timeout")), body.get("schedule"));
    }

    private static PgRole role(Object value) {
        if (value == null) {
            return null;
        }
        return switch (String.valueOf(value)) {
            case "primary", "master" -> PgRole.PRIMARY;
            case "replica" -> PgRole.REPLICA;
            default -> throw new InvalidConfigException("role", "must be primary, master or replica (raftgres has"
                    + " no standby cluster, so no standby_leader)");
        };
    }

    /** "15", "15.4" or "9.6.24" as server_version_num (150000, 150004, 90624). */
    static int version(Object value) {
        if (value == null) {
            return 0;
        }
        String text = String.valueOf(value).trim();
        if (!text.matches("\\d{1,2}(\\.\\d{1,2}){0,2}")) {
            throw new InvalidConfigException("postgres_version", "must be a PostgreSQL version such as 15.4");
        }
        String[] p = text.split("\\.");
        int major = Integer.parseInt(p[0]);
        if (major >= 10) {
            return major * 10000 + (p.length > 1 ? Integer.parseInt(p[1]) : 0);
        }
        return major * 10000 + (p.length > 1 ? Integer.parseInt(p[1]) * 100 : 0)
                + (p.length > 2 ? Integer.parseInt(p[2]) : 0);
    }

    private static long timeout(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof Number n && n.doubleValue() > 0 && n.doubleValue() <= 86400) {
            return (long) Math.ceil(n.doubleValue());
        }
        throw new InvalidConfigException("timeout", "must be a number of seconds between 0 and 86400");
    }
}
