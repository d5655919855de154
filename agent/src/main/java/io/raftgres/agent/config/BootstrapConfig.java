package io.raftgres.agent.config;

import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.SyncMode;
import io.raftgres.core.model.SyncSettings;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code bootstrap} section. Only a member that has one may run {@code initdb} for a new
 * cluster; the others wait and clone. {@code dcs} seeds the replicated dynamic configuration
 * once, when the cluster is initialized; later edits of this section have no effect (as in
 * Patroni), so the running value lives in the replicated state, not here.
 *
 * @param dcs    the dynamic configuration to seed, times in milliseconds, version 0
 * @param initdb extra initdb options, each {@code name} or {@code name=value} (passed as {@code --name[=value]})
 * @param pgHba  pg_hba.conf lines written right after initdb
 * @param postBootstrap command (absolute path, then arguments) run once after initdb with the superuser's
 *               connection URL as its last argument, as Patroni's {@code post_bootstrap}; empty for none
 */
public record BootstrapConfig(DynamicConfig dcs, List<String> initdb, List<String> pgHba, List<String> postBootstrap) {
    static final List<String> KEYS = List.of("dcs", "initdb", "pg_hba", "post_bootstrap", "post_init");
    static final List<String> DCS_KEYS = List.of("loop_wait", "maximum_lag_on_failover", "primary_start_timeout",
            "master_start_timeout", "postgresql", "synchronous_mode", "synchronous_mode_strict",
            "synchronous_node_count");
    static final List<String> DCS_POSTGRESQL_KEYS = List.of("use_pg_rewind", "use_slots", "parameters");
    /** initdb options raftgres sets itself or that make no usable cluster (Patroni refuses the same). */
    private static final Map<String, String> INITDB_FORBIDDEN = Map.of(
            "pgdata", "raftgres passes postgresql.data_dir itself",
            "pwfile", "raftgres sets the superuser password from postgresql.authentication.superuser",
            "nosync", "a cluster created without fsync may be corrupt after a crash",
            "sync-only", "it only syncs an existing data directory and creates no cluster",
            "version", "it only prints the initdb version and creates no cluster");
    private static final Pattern OPTION_NAME = Pattern.compile("[a-z][a-z0-9-]*");

    public BootstrapConfig {
        Objects.requireNonNull(dcs, "dcs");
        initdb = List.copyOf(initdb);
        pgHba = List.copyOf(pgHba);
        postBootstrap = List.copyOf(postBootstrap);
    }

    static BootstrapConfig read(YamlSection s) {
        int before = s.problems().count();
        s.rejectUnknownKeys(KEYS, PatroniKeys.BOOTSTRAP);
        DynamicConfig dcs = readDcs(s.sectionOrEmpty("dcs"));
        List<String> initdb = readInitdb(s);
        List<String> pgHba = PgEntries.hbaLines(s, "pg_hba");
        List<String> postBootstrap = readPostBootstrap(s);
        return s.problems().count() == before ? new BootstrapConfig(dcs, initdb, pgHba, postBootstrap) : null;
    }

    /**
     * Patroni's {@code post_bootstrap} (or its older name {@code post_init}): a command line split at
     * white space, whose first word must be an absolute path (the agent's working directory and PATH
     * are no stable anchor).
     */
    private static List<String> readPostBootstrap(YamlSection s) {
        String key = "post_bootstrap";
        if (s.has("post_init")) {
            if (s.has("post_bootstrap")) {
                s.problem("post_init", "is the old name of post_bootstrap; give only one of them");
                return List.of();
            }
            key = "post_init";
        }
        String command = s.has(key) ? s.string(key, null) : null;
        if (command == null) {
            return List.of();
        }
        List<String> words = List.of(command.strip().split("\\s+"));
        if (!words.getFirst().startsWith("/")) {
            s.problem(key, "must start with the absolute path of the script, found '" + words.getFirst() + "'");
        }
        return words;
    }

    private static DynamicConfig readDcs(YamlSection s) {
        DynamicConfig d = DynamicConfig.DEFAULT;
        s.rejectUnknownKeys(DCS_KEYS, PatroniKeys.DCS_KEYS);
        Long loopWait = s.secondsAsMillis("loop_wait", d.loopWaitMillis(), new BigDecimal("0.1"),
                BigDecimal.valueOf(3600));
        Long lag = s.integer("maximum_lag_on_failover", d.maximumLagOnFailover(), 0, Long.MAX_VALUE);
        String startKey = "primary_start_timeout";
        if (s.has("master_start_timeout")) {
            if (s.has("primary_start_timeout")) {
                s.problem("master_start_timeout", "is the old name of primary_start_timeout; give only one of them");
            } else {
                startKey = "master_start_timeout";
            }
        }
        Long startTimeout = s.secondsAsMillis(startKey, d.primaryStartTimeoutMillis(), BigDecimal.ZERO,
                BigDecimal.valueOf(86_400));
        YamlSection pg = s.sectionOrEmpty("postgresql");
        pg.rejectUnknownKeys(DCS_POSTGRESQL_KEYS, PatroniKeys.DCS_POSTGRESQL);
        Boolean rewind = pg.bool("use_pg_rewind", d.usePgRewind());
        Boolean slots = pg.bool("use_slots", d.useSlots());
        Map<String, String> parameters = PgEntries.parameters(pg, "parameters");
        SyncMode mode = SyncMode.OFF;
        if (s.has("synchronous_mode")) {
            Object raw = s.raw("synchronous_mode");
            mode = SyncMode.parse(raw).orElse(null);
            if (mode == null) {
                s.problem("synchronous_mode", "must be off, on or quorum, found " + raw);
            }
        }
        Boolean strict = s.bool("synchronous_mode_strict", false);
        Long count = s.integer("synchronous_node_count", 1, 1, SyncSettings.MAX_NODE_COUNT);
        if (loopWait == null || lag == null || startTimeout == null || rewind == null || slots == null
                || mode == null || strict == null || count == null) {
            return null;
        }
        return new DynamicConfig(loopWait, lag, startTimeout, rewind, slots, parameters, false, 0,
                new SyncSettings(mode, strict, count.intValue()));
    }

    /** Options as strings ({@code data-checksums}, {@code encoding=UTF8}) or one-key maps ({@code encoding: UTF8}). */
    private static List<String> readInitdb(YamlSection s) {
        List<?> items = s.list("initdb");
        List<String> options = new ArrayList<>();
        if (items == null) {
            return options;
        }
        for (int i = 0; i < items.size(); i++) {
            String key = s.keyOf("initdb") + "[" + i + "]";
            String option = initdbOption(items.get(i), key, s.problems());
            if (option != null) {
                options.add(option);
            }
        }
        return options;
    }

    private static String initdbOption(Object item, String key, ConfigProblems problems) {
        String name;
        String option;
        if (item instanceof String text && !text.isBlank()) {
            option = text.strip();
            name = option.split("=", 2)[0];
        } else if (item instanceof Map<?, ?> map && map.size() == 1
                && map.keySet().iterator().next() instanceof String mapName) {
            String value = PgEntries.scalarText(map.values().iterator().next());
            if (value == null) {
                problems.add(key, "the value of initdb option '" + mapName + "' must be a single value");
                return null;
            }
            name = mapName.strip();
            option = name + "=" + value;
        } else {
            problems.add(key, "must be an option name (data-checksums) or a one-key mapping (encoding: UTF8), found "
                    + YamlSection.describe(item));
            return null;
        }
        if (name.startsWith("-")) {
            problems.add(key, "write the option without leading dashes, e.g. data-checksums");
        } else if (INITDB_FORBIDDEN.containsKey(name)) {
            problems.add(key, "initdb option '" + name + "' is not allowed: " + INITDB_FORBIDDEN.get(name));
        } else if (!OPTION_NAME.matcher(name).matches()) {
            problems.add(key, "'" + name + "' is not an initdb long option name");
        } else {
            return option;
        }
        return null;
    }
}
