package io.raftgres.pgcontrol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The GUCs raftgres sets itself, and how configured parameters combine with them. Stateless.
 *
 * <ul>
 *   <li>Owned (a configured value is ignored): listen_addresses, port, cluster_name, hot_standby,
 *       wal_log_hints (pg_rewind needs it), unix_socket_directories and the recovery settings
 *       (primary_conninfo, primary_slot_name, recovery_target_timeline), which follow the member's role.</li>
 *   <li>Floors: max_wal_senders and max_replication_slots are at least 10.</li>
 *   <li>wal_level is replica unless logical is configured; minimal is rejected.</li>
 *   <li>Defaults a configuration may change: wal_keep_size 128MB, hot_standby_feedback on.</li>
 *   <li>With the lease gate: synchronous_standby_names names the gate ({@link #gateStandbyNames}), on
 *       replicas too, where PostgreSQL ignores it until a promotion, when it must already be in place.</li>
 * </ul>
 */
final class EnforcedParameters {

    static final Set<String> OWNED = Set.of("listen_addresses", "port", "cluster_name", "hot_standby",
            "wal_log_hints", "unix_socket_directories", "primary_conninfo", "primary_slot_name",
            "recovery_target_timeline", "include", "include_dir", "include_if_exists");
    static final int MIN_SENDERS_AND_SLOTS = 10;

    private EnforcedParameters() {
    }

    /** Rejects parameter names or values that cannot be rendered safely or that break replication. */
    static void validate(Map<String, String> parameters) {
        refused(parameters).entrySet().stream().findFirst().ifPresent(e -> {
            throw new IllegalArgumentException("parameter " + e.getKey() + " " + e.getValue());
        });
    }

    /** Per parameter raftgres cannot use, why ("must be ..."); empty when it can use them all. */
    static Map<String, String> refused(Map<String, String> parameters) {
        Map<String, String> refused = new LinkedHashMap<>();
        parameters.forEach((name, value) -> {
            if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
                refused.put(String.valueOf(name), "is not a PostgreSQL parameter name");
            } else if (value == null || value.chars().anyMatch(c -> c == '\n' || c == '\r' || c == 0)) {
                refused.put(name, "needs a one-line value");
            }
        });
        String walLevel = parameters.get("wal_level");
        if (walLevel != null && !walLevel.equals("replica") && !walLevel.equals("logical")
                && !walLevel.equals("hot_standby")) {
            refused.putIfAbsent("wal_level", "must be replica or logical for streaming replication, got " + walLevel);
        }
        for (String name : new String[] {"max_wal_senders", "max_replication_slots"}) {
            String value = parameters.get(name);
            if (value != null && !value.trim().matches("\\d{1,6}")) {
                refused.putIfAbsent(name, "must be a non-negative integer, got '" + value + "'");
            }
        }
        return refused;
    }

    /** Refuses parameters the lease gate cannot work with: see {@link LeaseGate#conflict}. */
    static void validateForGate(Map<String, String> parameters) {
        LeaseGate.conflict(parameters).ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
    }

    /**
     * synchronous_standby_names with the lease gate in asynchronous mode: the gate alone, so every commit
     * (at the configured synchronous_commit) waits until the gate acknowledged it under a valid lease.
     * Hook for the synchronous modes: a synchronous replica must be added as {@code FIRST 2 (gate, rX)}
     * with exactly the required names listed. {@code FIRST 2 (gate, r2, r3)} would not do: while the gate
     * is disconnected (its agent died) PostgreSQL would pick r2 and r3 and acknowledge without it.
     */
    static String gateStandbyNames() {
        return "FIRST 1 (" + LeaseGate.APPLICATION_NAME + ")";
    }

    /** The settings for postgresql.conf in render order: enforced first, then the configured rest. */
    static Map<String, String> merge(PgControlConfig config) {
        Map<String, String> configured = config.parameters();
        Map<String, String> out = new LinkedHashMap<>();
        out.put("listen_addresses", config.listenHost());
        out.put("port", Integer.toString(config.port()));
        out.put("cluster_name", config.scope());
        out.put("unix_socket_directories", config.runDir().toString());
        out.put("wal_level", "logical".equals(configured.get("wal_level")) ? "logical" : "replica");
        out.put("hot_standby", "on");
        out.put("wal_log_hints", "on");
        out.put("max_wal_senders", floor(configured.get("max_wal_senders")));
        out.put("max_replication_slots", floor(configured.get("max_replication_slots")));
        out.put("wal_keep_size", configured.getOrDefault("wal_keep_size", "128MB"));
        out.put("hot_standby_feedback", configured.getOrDefault("hot_standby_feedback", "on"));
        // A replica whose upstream died retries every wal_retrieve_retry_interval (5 s by default);
        // after a failover it should reach the new primary within a cycle, not five seconds.
        out.put("wal_retrieve_retry_interval", configured.getOrDefault("wal_retrieve_retry_interval", "500ms"));
        if (config.leaseGate()) {
            out.put("synchronous_standby_names", gateStandbyNames());
        }
        configured.forEach((name, value) -> {
            if (!OWNED.contains(name) && !out.containsKey(name)) {
                out.put(name, value);
            }
        });
        return out;
    }

    /** Configured parameters that {@link #merge} overrides, for a warning at startup. */
    static Set<String> ignoredNames(Map<String, String> parameters) {
        return Set.copyOf(parameters.keySet().stream().filter(OWNED::contains).toList());
    }

    /** Where a local client reaches a server that listens on {@code listenHost}. */
    static String localConnectHost(String listenHost) {
        String first = listenHost.split(",")[0].trim();
        return switch (first) {
            case "*", "0.0.0.0", "", "::" -> "127.0.0.1";
            default -> first;
        };
    }

    private static String floor(String configured) {
        int value = configured == null ? 0 : Integer.parseInt(configured.trim());
        return Integer.toString(Math.max(value, MIN_SENDERS_AND_SLOTS));
    }
}
