package io.raftgres.api;

import java.util.Set;

/**
 * The health checks load balancers and orchestrators poll, selected from the request path the
 * way Patroni selects them, so that a check configured for Patroni means the same here.
 *
 * <p>Patroni gives {@code /liveness} and {@code /readiness} their own handlers and sends every
 * other GET, HEAD and OPTIONS path to one health handler, which classifies it by substring, in
 * this order: "standby_leader"/"standby-leader", "leader", "master"/"primary"/"read-write",
 * "replica", "read-only" (without "sync"/"quorum"), "health"; then the exact synchronous-mode
 * paths. A path that matches nothing is not an error there: it answers 503 with the status
 * document ({@code patroni/api.py}, {@code do_GET}). raftgres has no standby clusters, so the
 * standby-leader checks never pass; sync and quorum follow the published synchronous state.
 */
enum HealthCheck {
    /** The writable primary: leader key for the current term, a valid lease, PostgreSQL read-write. */
    PRIMARY(true),
    /** Holds the leader key with a lease; the same as {@link #PRIMARY} here (no standby clusters). */
    LEADER(true),
    /** A running replica that may take read traffic, filtered by lag, replication state and tags. */
    REPLICA(true),
    /** The primary, or a replica as {@link #REPLICA} would accept it. */
    READ_ONLY(true),
    /** PostgreSQL runs, in any role. */
    HEALTH(true),
    /** {@code /async}: a replica as {@link #REPLICA} would accept it, while Raft has a quorum. */
    ASYNC(true),
    /** {@code /sync}, {@code /synchronous}: a replica as {@link #REPLICA} that is a published synchronous standby. */
    SYNC(true),
    /** {@code /quorum}: a replica as {@link #REPLICA} that is a published quorum voter. */
    QUORUM(true),
    /** {@code /read-only-sync}, {@code /read-only-quorum}: the primary, while Raft has a quorum. */
    READ_ONLY_SYNC(true),
    /** Standby leader, or a path Patroni does not know: never passes. */
    NEVER(true),
    /** The agent's HA loop is not stuck; answers with the code only. */
    LIVENESS(false),
    /** Ready for traffic: primary, or a streaming replica within the lag limit; code only. */
    READINESS(false);

    private static final Set<String> ASYNC_PATHS = Set.of("/async", "/asynchronous");
    private static final Set<String> SYNC_PATHS = Set.of("/sync", "/synchronous");
    private static final Set<String> QUORUM_PATHS = Set.of("/quorum");
    private static final Set<String> READ_ONLY_SYNC_PATHS =
            Set.of("/read-only-sync", "/read-only-synchronous", "/read-only-quorum");

    private final boolean statusBodyOnGet;

    HealthCheck(boolean statusBodyOnGet) {
        this.statusBodyOnGet = statusBodyOnGet;
    }

    /**
     * The check a request path (without its query) selects, as Patroni's routing does: never
     * fails; a path that names no check selects {@link #NEVER}. {@code /} is the primary check.
     * Case-sensitive, as Patroni is.
     */
    static HealthCheck forPath(String p) {
        String firstSegment = p.replaceFirst("^/([^/]*).*$", "$1");
        if (firstSegment.equals("liveness")) {
            return LIVENESS;
        }
        if (firstSegment.equals("readiness")) {
            return READINESS;
        }
        if (p.equals("/") || p.isEmpty()) {
            return PRIMARY;
        }
        if (p.contains("standby_leader") || p.contains("standby-leader")) {
            return NEVER;
        }
        if (p.contains("leader")) {
            return LEADER;
        }
        if (p.contains("master") || p.contains("primary") || p.contains("read-write")) {
            return PRIMARY;
        }
        if (p.contains("replica")) {
            return REPLICA;
        }
        if (p.contains("read-only") && !p.contains("sync") && !p.contains("quorum")) {
            return READ_ONLY;
        }
        if (p.contains("health")) {
            return HEALTH;
        }
        if (ASYNC_PATHS.contains(p)) {
            return ASYNC;
        }
        if (SYNC_PATHS.contains(p)) {
            return SYNC;
        }
        if (QUORUM_PATHS.contains(p)) {
            return QUORUM;
        }
        if (READ_ONLY_SYNC_PATHS.contains(p)) {
            return READ_ONLY_SYNC;
        }
        return NEVER;
    }

    /** Whether GET answers with the {@code /patroni} document (Patroni's liveness/readiness do not). */
    boolean statusBodyOnGet() {
        return statusBodyOnGet;
    }
}
