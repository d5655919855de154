package io.raftgres.agent.config;

import io.raftgres.core.model.MemberTags;
import io.raftgres.pgcontrol.LeaseGate;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A member's complete, validated configuration, as built by {@link ConfigLoader}. Immutable,
 * so the HA loop, the REST API and the Raft wiring can share one instance across threads.
 *
 * <p>{@link #toString()} and {@link #toDisplayMap()} never contain a password: use them for
 * logs and for {@code /config}-like output.
 *
 * @param scope     cluster name; also PostgreSQL's {@code cluster_name}
 * @param name      this member's unique name
 * @param restapi   REST API addresses and credentials
 * @param raft      Raft group membership and timings
 * @param bootstrap how to create a new cluster; null when this member may not run initdb
 * @param postgresql the local PostgreSQL instance
 * @param tags      member tags published to the cluster
 * @param watchdog  watchdog device and mode
 * @param vip       floating IP; null when none is configured
 * @param log       log settings
 */
public record RaftgresConfig(String scope, String name, RestApiConfig restapi, RaftSettings raft,
                             BootstrapConfig bootstrap, PostgresqlConfig postgresql, MemberTags tags,
                             WatchdogSettings watchdog, VipSettings vip, LogSettings log) {
    static final List<String> KEYS = List.of("scope", "name", "restapi", "raft", "bootstrap", "postgresql", "tags",
            "watchdog", "vip", "log");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_.-]+");
    /** Member names become replication slot names, which PostgreSQL limits to 63 bytes. */
    private static final int MAX_NAME_LENGTH = 63;

    public RaftgresConfig {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(restapi, "restapi");
        Objects.requireNonNull(raft, "raft");
        Objects.requireNonNull(postgresql, "postgresql");
        Objects.requireNonNull(tags, "tags");
        Objects.requireNonNull(watchdog, "watchdog");
        Objects.requireNonNull(log, "log");
    }

    /** Whether this member may initialize a new cluster (it has a {@code bootstrap} section). */
    public boolean canBootstrap() {
        return bootstrap != null;
    }

    /** The configuration as nested maps with the YAML key names, passwords masked. */
    public Map<String, Object> toDisplayMap() {
        return ConfigDisplay.of(this);
    }

    @Override
    public String toString() {
        return "RaftgresConfig" + toDisplayMap();
    }

    /** Reads and validates the file's settings; {@code host} then checks what depends on this host. */
    static RaftgresConfig read(YamlSection root, HostCheck host) {
        int before = root.problems().count();
        root.rejectUnknownKeys(KEYS, PatroniKeys.TOP);
        String scope = identifier(root, "scope", Integer.MAX_VALUE);
        String name = identifier(root, "name", MAX_NAME_LENGTH);
        RestApiConfig restapi = RestApiConfig.read(root.sectionOrEmpty("restapi"));
        RaftSettings raft = root.requiredSection("raft", "self_addr and data_dir")
                .map(RaftSettings::read).orElse(null);
        BootstrapConfig bootstrap = readBootstrap(root);
        PostgresqlConfig postgresql = root.requiredSection("postgresql", "listen, data_dir and authentication")
                .map(PostgresqlConfig::read).orElse(null);
        MemberTags tags = root.section("tags").map(MemberTagsReader::read).orElse(MemberTags.DEFAULT);
        WatchdogSettings watchdog = root.section("watchdog").map(WatchdogSettings::read)
                .orElse(WatchdogSettings.DEFAULT);
        VipSettings vip = root.section("vip").map(VipSettings::read).orElse(null);
        LogSettings log = root.section("log").map(LogSettings::read).orElse(LogSettings.DEFAULT);
        if (postgresql != null && (bootstrap != null || !root.entries().containsKey("bootstrap"))) {
            host.check(postgresql, bootstrap, root.problems());
        }
        if (restapi != null && raft != null && postgresql != null) {
            checkAcrossSections(root, restapi, raft, postgresql);
        }
        if (postgresql != null && postgresql.leaseGate() && bootstrap != null) {
            LeaseGate.conflict(bootstrap.dcs().parameters()).ifPresent(why -> root.problems().add(
                    "postgresql.lease_gate", why + " (bootstrap.dcs.postgresql.parameters)"));
        }
        if (vip != null && raft != null) {
            TimingRule.checkVipLifetime(root.problems(), raft, vip.lifetime());
        }
        if (watchdog != null && watchdog.mode() == WatchdogSettings.Mode.REQUIRED && raft != null) {
            TimingRule.checkWatchdogTimeout(root.problems(), raft, watchdog.safetyMargin());
        }
        return root.problems().count() == before
                ? new RaftgresConfig(scope, name, restapi, raft, bootstrap, postgresql, tags, watchdog, vip, log)
                : null;
    }

    /**
     * The key's presence decides whether this member may bootstrap, so a bare {@code bootstrap:}
     * line (YAML null, e.g. with everything below commented out) still grants it, with defaults.
     */
    private static BootstrapConfig readBootstrap(YamlSection root) {
        if (!root.entries().containsKey("bootstrap")) {
            return null;
        }
        if (!root.has("bootstrap")) {
            return BootstrapConfig.read(YamlSection.empty(root.keyOf("bootstrap"), root.problems()));
        }
        return root.section("bootstrap").map(BootstrapConfig::read).orElse(null);
    }

    private static String identifier(YamlSection root, String key, int maxLength) {
        String value = root.string(key, null);
        if (value == null) {
            return null;
        }
        if (!IDENTIFIER.matcher(value).matches()) {
            root.problem(key, "may contain only letters, digits, '_', '.' and '-', found '" + value + "'");
            return null;
        }
        if (value.length() > maxLength) {
            root.problem(key, "must be at most " + maxLength + " characters (it names a replication slot), found "
                    + value.length());
            return null;
        }
        return value;
    }

    /** Directories and ports that two parts of this member would otherwise share. */
    private static void checkAcrossSections(YamlSection root, RestApiConfig restapi, RaftSettings raft,
                                            PostgresqlConfig postgresql) {
        ConfigProblems problems = root.problems();
        Path raftDir = raft.dataDir();
        Path pgDir = postgresql.dataDir();
        if (raftDir.equals(pgDir)) {
            problems.add("postgresql.data_dir", "must differ from raft.data_dir (" + raftDir + ")");
        } else if (pgDir.startsWith(raftDir) || raftDir.startsWith(pgDir)) {
            problems.add("postgresql.data_dir", "must not be nested with raft.data_dir (" + raftDir
                    + "): initdb and pg_basebackup need a data directory of their own, and the Raft log must not"
                    + " be copied or wiped with it");
        }
        if (raft.selfAddr().overlaps(restapi.listen())) {
            problems.add("restapi.listen", "uses the same port as raft.self_addr (" + raft.selfAddr() + ")");
        }
        if (postgresql.listen().overlaps(restapi.listen())) {
            problems.add("postgresql.listen", "uses the same port as restapi.listen (" + restapi.listen() + ")");
        }
        if (postgresql.listen().overlaps(raft.selfAddr())) {
            problems.add("postgresql.listen", "uses the same port as raft.self_addr (" + raft.selfAddr() + ")");
        }
    }
}
