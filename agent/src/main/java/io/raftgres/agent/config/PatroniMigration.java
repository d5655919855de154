package io.raftgres.agent.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a Patroni configuration (as parsed YAML) into the equivalent raftgres one: keys raftgres
 * takes are copied, moved keys are moved, the rest are dropped, each change with a comment that
 * says why ({@link PatroniKeys} words for refused keys). Pure: maps in, a {@link MigratedYaml.Node}
 * tree out.
 */
final class PatroniMigration {
    /** Port of the Raft address when the Patroni file has no {@code raft:} section. */
    static final int DEFAULT_RAFT_PORT = 5010;
    private static final String UNKNOWN = "remove it: raftgres does not take this key";

    private PatroniMigration() {
    }

    static MigratedYaml.Node migrate(Map<?, ?> patroni) {
        MigratedYaml.Node out = new MigratedYaml.Node();
        Map<?, ?> pg = map(patroni.get("postgresql"));
        for (Map.Entry<?, ?> e : patroni.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object value = e.getValue();
            switch (key) {
                case "scope", "name" -> out.put(key, value);
                case "restapi" -> out.put(key, section(map(value), RestApiConfig.KEYS, Map.of()));
                case "raft" -> out.put(key, section(map(value), List.of("self_addr", "partner_addrs", "data_dir"),
                        Map.of()), "Patroni's raft: section: raftgres' agents are this Raft group themselves");
                case "bootstrap" -> out.put(key, bootstrap(map(value), pg));
                case "postgresql" -> out.put(key, postgresql(map(value)));
                case "tags" -> out.put(key, value);
                case "watchdog" -> out.put(key, watchdog(map(value)));
                case "log" -> out.put(key, log(map(value)));
                default -> out.drop(key, PatroniKeys.TOP.getOrDefault(key, UNKNOWN));
            }
        }
        if (!patroni.containsKey("raft")) {
            out.put("raft", raftFor(pg), "added: the member's Raft address and storage; list the other two"
                    + " members' Raft addresses in partner_addrs");
        }
        return out;
    }

    /** A Raft section to fill in: this host's address on port 5010, the partners still to be written. */
    private static MigratedYaml.Node raftFor(Map<?, ?> pg) {
        Object connect = pg.get("connect_address") != null ? pg.get("connect_address") : pg.get("listen");
        String host = connect == null ? "127.0.0.1" : String.valueOf(connect).replaceAll(":\\d+$", "");
        MigratedYaml.Node raft = new MigratedYaml.Node();
        raft.put("self_addr", host + ":" + DEFAULT_RAFT_PORT);
        raft.put("partner_addrs", List.of(), "TODO: the other members' Raft addresses, e.g. [10.0.0.12:5010,"
                + " 10.0.0.13:5010]");
        raft.put("data_dir", "/var/lib/raftgres/raft");
        return raft;
    }

    private static MigratedYaml.Node bootstrap(Map<?, ?> b, Map<?, ?> pg) {
        MigratedYaml.Node out = new MigratedYaml.Node();
        for (Map.Entry<?, ?> e : b.entrySet()) {
            String key = String.valueOf(e.getKey());
            switch (key) {
                case "dcs" -> out.put(key, dcs(map(e.getValue()), pg, out));
                case "initdb", "pg_hba", "post_bootstrap", "post_init" -> out.put(key, e.getValue());
                case "users" -> out.drop(key, PatroniKeys.BOOTSTRAP.get(key) + "; users to create: "
                        + String.join(", ", map(e.getValue()).keySet().stream().map(String::valueOf).toList()));
                default -> out.drop(key, PatroniKeys.BOOTSTRAP.getOrDefault(key, UNKNOWN));
            }
        }
        return out;
    }

    private static MigratedYaml.Node dcs(Map<?, ?> dcs, Map<?, ?> pg, MigratedYaml.Node bootstrap) {
        MigratedYaml.Node out = new MigratedYaml.Node();
        for (Map.Entry<?, ?> e : dcs.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.equals("postgresql")) {
                out.put(key, dcsPostgresql(map(e.getValue()), pg, bootstrap));
            } else if (BootstrapConfig.DCS_KEYS.contains(key)) {
                out.put(key, e.getValue());
            } else {
                out.drop(key, PatroniKeys.DCS_KEYS.getOrDefault(key, UNKNOWN));
            }
        }
        return out;
    }

    private static MigratedYaml.Node dcsPostgresql(Map<?, ?> dcsPg, Map<?, ?> pg, MigratedYaml.Node bootstrap) {
        MigratedYaml.Node out = new MigratedYaml.Node();
        for (Map.Entry<?, ?> e : dcsPg.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (BootstrapConfig.DCS_POSTGRESQL_KEYS.contains(key)) {
                out.put(key, e.getValue());
            } else if (key.equals("pg_hba") && !pg.containsKey("pg_hba")) {
                bootstrap.put("pg_hba", e.getValue(), "moved from bootstrap.dcs.postgresql.pg_hba");
            } else {
                out.drop(key, PatroniKeys.DCS_POSTGRESQL.getOrDefault(key, UNKNOWN));
            }
        }
        // Patroni also reads these two from the local postgresql section; raftgres only here.
        for (String moved : List.of("use_pg_rewind", "use_slots")) {
            if (pg.containsKey(moved) && !dcsPg.containsKey(moved)) {
                out.put(moved, pg.get(moved), "moved from postgresql." + moved);
            }
        }
        return out;
    }

    private static MigratedYaml.Node postgresql(Map<?, ?> pg) {
        MigratedYaml.Node out = new MigratedYaml.Node();
        for (Map.Entry<?, ?> e : pg.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.equals("authentication")) {
                MigratedYaml.Node auth = new MigratedYaml.Node();
                map(e.getValue()).forEach((user, creds) -> auth.put(String.valueOf(user),
                        section(map(creds), Credentials.KEYS, PatroniKeys.CREDENTIALS)));
                out.put(key, auth);
            } else if (key.equals("use_pg_rewind") || key.equals("use_slots")) {
                out.drop(key, "moved to bootstrap.dcs.postgresql." + key);
            } else if (PostgresqlConfig.KEYS.contains(key)) {
                out.put(key, e.getValue(), key.equals("pgpass") ? "raftgres writes its pgpass file here, as Patroni"
                        : null);
            } else {
                out.drop(key, PatroniKeys.POSTGRESQL.getOrDefault(key, UNKNOWN));
            }
        }
        return out;
    }

    /** Patroni's safety_margin counts from ttl; raftgres' watchdog timeout comes from its Raft timing. */
    private static MigratedYaml.Node watchdog(Map<?, ?> w) {
        MigratedYaml.Node out = new MigratedYaml.Node();
        for (Map.Entry<?, ?> e : w.entrySet()) {
            String key = String.valueOf(e.getKey());
            switch (key) {
                case "mode", "device" -> out.put(key, e.getValue());
                case "safety_margin" -> out.drop(key, "remove it: Patroni's margin is taken from ttl; raftgres"
                        + " derives the watchdog timeout from raft.lease and raft.election_timeout_min (margin 0)"
                        + PatroniKeys.SEE);
                default -> out.drop(key, UNKNOWN);
            }
        }
        return out;
    }

    private static MigratedYaml.Node log(Map<?, ?> l) {
        MigratedYaml.Node out = new MigratedYaml.Node();
        for (Map.Entry<?, ?> e : l.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object value = e.getValue();
            boolean formatIsType = key.equals("format") && ("plain".equals(value) || "json".equals(value));
            if (key.equals("format") && !formatIsType) {
                out.drop(key, "remove it: raftgres has a fixed line layout (time level [member] message); set"
                        + " log.type: json for structured lines");
            } else if (LogSettings.KEYS.contains(key)) {
                out.put(key, value);
            } else {
                out.drop(key, LogSettings.REFUSED.getOrDefault(key, UNKNOWN));
            }
        }
        return out;
    }

    /** Copies the {@code known} keys of a mapping, dropping the others with their reason. */
    private static MigratedYaml.Node section(Map<?, ?> in, List<String> known, Map<String, String> refused) {
        MigratedYaml.Node out = new MigratedYaml.Node();
        in.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (known.contains(key)) {
                out.put(key, v);
            } else {
                out.drop(key, refused.getOrDefault(key, UNKNOWN));
            }
        });
        return out;
    }

    private static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> m ? m : new LinkedHashMap<>();
    }

    /** Every comment of the tree, for tests and summaries. */
    static List<String> notes(MigratedYaml.Node node) {
        List<String> all = new ArrayList<>();
        node.collectNotes("", all);
        return all;
    }
}
