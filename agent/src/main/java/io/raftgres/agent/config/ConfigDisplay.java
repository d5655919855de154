package io.raftgres.agent.config;

import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.MemberTags;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a configuration as nested maps with the YAML key names, for logs and
 * {@code /config}-like output. Passwords are always replaced by {@link Credentials#MASK}, and
 * so are PostgreSQL parameters whose names suggest a secret (a {@code *conninfo} string may
 * carry a password).
 */
final class ConfigDisplay {
    private static final List<String> SECRET_PARAMETER_HINTS = List.of("password", "passphrase", "secret", "conninfo");

    private ConfigDisplay() {
    }

    static Map<String, Object> of(RaftgresConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scope", c.scope());
        m.put("name", c.name());
        m.put("restapi", restapi(c.restapi()));
        m.put("raft", raft(c.raft()));
        if (c.bootstrap() != null) {
            m.put("bootstrap", bootstrap(c.bootstrap()));
        }
        m.put("postgresql", postgresql(c.postgresql()));
        m.put("tags", tags(c.tags()));
        m.put("watchdog", ordered("mode", c.watchdog().mode().yamlName(), "device", c.watchdog().device().toString(),
                "safety_margin", seconds(c.watchdog().safetyMargin().toMillis())));
        if (c.vip() != null) {
            m.put("vip", ordered("address", c.vip().address(), "interface", c.vip().interfaceName(),
                    "arp_count", c.vip().arpCount(), "arp_interval_ms", c.vip().arpInterval().toMillis(),
                    "lifetime_s", c.vip().lifetime().toSeconds()));
        }
        m.put("log", log(c.log()));
        return m;
    }

    private static Map<String, Object> log(LogSettings l) {
        Map<String, Object> m = ordered("level", l.level(), "type", l.json() ? "json" : "plain");
        if (l.dir() != null) {
            m.putAll(ordered("dir", l.dir().toString(), "file_size", l.fileSize(), "file_num", l.fileNum()));
        }
        if (!l.loggers().isEmpty()) {
            m.put("loggers", new java.util.TreeMap<>(l.loggers()));
        }
        if (!l.staticFields().isEmpty()) {
            m.put("static_fields", new java.util.TreeMap<>(l.staticFields()));
        }
        m.put("deduplicate_heartbeat_logs", l.deduplicateHeartbeatLogs());
        return m;
    }

    static Map<String, Object> postgresql(PostgresqlConfig p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("listen", p.listen().toString());
        m.put("connect_address", p.connectAddress().toString());
        m.put("data_dir", p.dataDir().toString());
        if (p.binDir() != null) {
            m.put("bin_dir", p.binDir().toString());
        }
        m.put("os_user", p.osUser());
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("superuser", credentials(p.superuser()));
        auth.put("replication", credentials(p.replication()));
        if (p.rewind() != null) {
            auth.put("rewind", credentials(p.rewind()));
        }
        m.put("authentication", auth);
        m.put("parameters", maskedParameters(p.parameters()));
        m.put("pg_hba", p.pgHba());
        if (p.pgpass() != null) {
            m.put("pgpass", p.pgpass().toString());
        }
        m.put("remove_data_directory_on_rewind_failure", p.removeDataDirectoryOnRewindFailure());
        m.put("remove_data_directory_on_diverged_timelines", p.removeDataDirectoryOnDivergedTimelines());
        m.put("lease_gate", p.leaseGate());
        return m;
    }

    static Map<String, String> maskedParameters(Map<String, String> parameters) {
        Map<String, String> masked = new TreeMap<>();
        parameters.forEach((name, value) -> masked.put(name, isSecretParameter(name) ? Credentials.MASK : value));
        return masked;
    }

    static boolean isSecretParameter(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return SECRET_PARAMETER_HINTS.stream().anyMatch(lower::contains);
    }

    private static Map<String, Object> restapi(RestApiConfig r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("listen", r.listen().toString());
        m.put("connect_address", r.connectAddress().toString());
        if (r.authentication() != null) {
            m.put("authentication", credentials(r.authentication()));
        }
        if (r.allowUnauthenticatedWrites()) {
            m.put("allow_unauthenticated_writes", true);
        }
        RestSecurityConfig s = r.security();
        m.put("authentication_for_reads", s.authenticationForReads());
        if (!s.allowlist().isEmpty() || s.allowlistIncludeMembers()) {
            m.put("allowlist", s.allowlist());
            m.put("allowlist_include_members", s.allowlistIncludeMembers());
        }
        if (s.tls() != null) {
            var t = s.tls();
            m.put("certfile", t.certfile().toString());
            if (t.keyfile() != null) {
                m.put("keyfile", t.keyfile().toString());
            }
            if (t.keyfilePassword() != null) {
                m.put("keyfile_password", Credentials.MASK);
            }
            if (t.cafile() != null) {
                m.put("cafile", t.cafile().toString());
            }
            m.put("verify_client", t.verifyClient().yamlName());
        }
        return m;
    }

    private static Map<String, Object> raft(RaftSettings r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("self_addr", r.selfAddr().toString());
        m.put("partner_addrs", r.partnerAddrs().stream().map(HostPort::toString).toList());
        m.put("data_dir", r.dataDir().toString());
        m.put("allow_unsafe_group_size", r.allowUnsafeGroupSize());
        m.put("election_timeout_min", millis(r.electionTimeoutMin()));
        m.put("election_timeout_max", millis(r.electionTimeoutMax()));
        m.put("heartbeat_interval", millis(r.heartbeatInterval()));
        m.put("lease", millis(r.lease()));
        m.put("lease_check_interval", millis(r.leaseCheckInterval()));
        m.put("fence_budget", millis(r.fenceBudget()));
        return m;
    }

    private static Map<String, Object> bootstrap(BootstrapConfig b) {
        DynamicConfig d = b.dcs();
        Map<String, Object> dcs = new LinkedHashMap<>();
        dcs.put("loop_wait", seconds(d.loopWaitMillis()));
        dcs.put("maximum_lag_on_failover", d.maximumLagOnFailover());
        dcs.put("primary_start_timeout", seconds(d.primaryStartTimeoutMillis()));
        dcs.put("synchronous_mode", d.sync().mode().text());
        dcs.put("synchronous_mode_strict", d.sync().strict());
        dcs.put("synchronous_node_count", d.sync().nodeCount());
        dcs.put("postgresql", ordered("use_pg_rewind", d.usePgRewind(), "use_slots", d.useSlots(),
                "parameters", maskedParameters(d.parameters())));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dcs", dcs);
        m.put("initdb", b.initdb());
        m.put("pg_hba", b.pgHba());
        if (!b.postBootstrap().isEmpty()) {
            // the script only: its arguments might hold a secret
            m.put("post_bootstrap", b.postBootstrap().getFirst() + (b.postBootstrap().size() > 1 ? " ******" : ""));
        }
        return m;
    }

    private static Map<String, Object> tags(MemberTags t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nofailover", t.nofailover());
        m.put("failover_priority", t.failoverPriority());
        m.put("noloadbalance", t.noloadbalance());
        m.put("nosync", t.nosync());
        m.putAll(t.custom());
        return m;
    }

    private static Map<String, Object> credentials(Credentials c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("username", c.username());
        m.put("password", Credentials.MASK);
        return m;
    }

    /** A map in the order given: {@code key1, value1, key2, value2, ...}. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static String millis(Duration d) {
        return d.toMillis() + "ms";
    }

    /** Whole seconds as a long, fractional ones as a double, as they would be written in YAML. */
    private static Number seconds(long millis) {
        return millis % 1000 == 0 ? (Number) (millis / 1000) : (Number) (millis / 1000.0);
    }
}
