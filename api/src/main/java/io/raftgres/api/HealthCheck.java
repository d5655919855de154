package io.raftgres.api;

import java.util.List;
import java.util.Optional;

/**
 * The health checks load balancers and orchestrators poll, with the paths that select them
 * (Patroni's names; {@code /master} is kept for old HAProxy configs). Unlike Patroni, paths
 * are matched exactly, not by substring.
 */
enum HealthCheck {
    /** The writable primary: leader key for the current term, a valid lease, PostgreSQL read-write. */
    PRIMARY(true, "/", "/primary", "/master", "/read-write"),
    /** Holds the leader key with a lease; the same as {@link #PRIMARY} here (no standby clusters). */
    LEADER(true, "/leader"),
    /** A running replica that may take read traffic, filtered by lag, replication state and tags. */
    REPLICA(true, "/replica"),
    /** The primary, or a replica as {@link #REPLICA} would accept it. */
    READ_ONLY(true, "/read-only"),
    /** PostgreSQL runs, in any role. */
    HEALTH(true, "/health"),
    /** The agent's HA loop is not stuck; answers with the code only. */
    LIVENESS(false, "/liveness"),
    /** Ready for traffic: primary, or a streaming replica within the lag limit; code only. */
    READINESS(false, "/readiness");

    private final boolean statusBodyOnGet;
    private final List<String> paths;

    HealthCheck(boolean statusBodyOnGet, String... paths) {
        this.statusBodyOnGet = statusBodyOnGet;
        this.paths = List.of(paths);
    }

    /** The check a request path selects; a trailing slash is ignored. Empty for other paths. */
    static Optional<HealthCheck> forPath(String path) {
        String normalized = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (HealthCheck check : values()) {
            if (check.paths.contains(normalized)) {
                return Optional.of(check);
            }
        }
        return Optional.empty();
    }

    /** Whether GET answers with the {@code /patroni} document (Patroni's liveness/readiness do not). */
    boolean statusBodyOnGet() {
        return statusBodyOnGet;
    }
}
