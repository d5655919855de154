package io.raftgres.api;

import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.SyncMode;
import io.raftgres.core.model.SyncSettings;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The dynamic configuration as a Patroni-shaped document ({@code GET /config}'s body): merge
 * ({@code PATCH}, RFC 7386 style: objects merge recursively, {@code null} deletes a key) and
 * validation into a {@link DynamicConfig}. A deleted top-level key takes its default. Stateless.
 *
 * <p>Validation is complete before anything is submitted: every key must mean something here.
 * Patroni's {@code ttl} and {@code retry_timeout} are refused (there is no external store
 * whose session or retries they time: the Raft lease does that job), and so are the Raft timing
 * keys (each agent reads them from its YAML at start; changing them needs a rolling restart).
 */
final class ConfigDocument {

    private static final String RAFT_TIMING =
            "is Raft timing, read by each agent from its YAML at start: change it there with a rolling restart";
    /** Keys refused with the reason why; checked before "unknown key". */
    private static final Map<String, String> REFUSED = Map.of(
            "ttl", "has no meaning in raftgres: the Raft leader lease (raft.lease in each agent's YAML) "
                    + "replaces the DCS session TTL",
            "retry_timeout", "has no meaning in raftgres: there is no external DCS whose calls are retried",
            "election_timeout_min", RAFT_TIMING, "election_timeout_max", RAFT_TIMING,
            "heartbeat_interval", RAFT_TIMING, "lease", RAFT_TIMING, "lease_check_interval", RAFT_TIMING,
            "fence_budget", RAFT_TIMING, "raft", RAFT_TIMING);
    private static final Set<String> TOP_KEYS = Set.of("loop_wait", "maximum_lag_on_failover",
            "primary_start_timeout", "pause", "postgresql", "synchronous_mode", "synchronous_mode_strict",
            "synchronous_node_count");
    private static final Set<String> POSTGRESQL_KEYS = Set.of("use_pg_rewind", "use_slots", "parameters");
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]{0,62}");
    static final long MIN_LOOP_WAIT_MILLIS = 100;
    static final long MAX_LOOP_WAIT_MILLIS = 60_000;
    static final long MAX_PRIMARY_START_TIMEOUT_MILLIS = 86_400_000;

    private ConfigDocument() {
    }

    /**
     * The document a PATCH merges into: {@code GET /config}'s shape, but with each parameter's
     * stored text, so an unrelated PATCH does not rewrite {@code true} as {@code on}.
     */
    static Map<String, Object> document(DynamicConfig config) {
        Map<String, Object> doc = new LinkedHashMap<>(ClusterJson.config(config));
        @SuppressWarnings("unchecked")
        Map<String, Object> pg = new LinkedHashMap<>((Map<String, Object>) doc.get("postgresql"));
        pg.put("parameters", new LinkedHashMap<String, Object>(config.parameters()));
        doc.put("postgresql", pg);
        return doc;
    }

    /** {@code patch} merged into {@code base} (neither is changed); {@code null} values delete. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> patch) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        patch.forEach((key, value) -> {
            if (value == null) {
                out.remove(key);
            } else if (value instanceof Map<?, ?> m && out.get(key) instanceof Map<?, ?> current) {
                out.put(key, merge((Map<String, Object>) current, (Map<String, Object>) m));
            } else if (value instanceof Map<?, ?> m) {
                out.put(key, merge(Map.of(), (Map<String, Object>) m));
            } else {
                out.put(key, value);
            }
        });
        return out;
    }

    /**
     * Validates a whole document into a configuration (version 0; the state machine numbers it).
     *
     * @throws InvalidConfigException naming the first offending key
     */
    static DynamicConfig parse(Map<String, Object> doc) {
        DynamicConfig d = DynamicConfig.DEFAULT;
        for (String key : doc.keySet()) {
            checkKey(key, TOP_KEYS);
        }
        long loopWait = doc.containsKey("loop_wait")
                ? millis("loop_wait", doc.get("loop_wait"), MIN_LOOP_WAIT_MILLIS, MAX_LOOP_WAIT_MILLIS)
                : d.loopWaitMillis();
        long maxLag = doc.containsKey("maximum_lag_on_failover")
                ? bytes("maximum_lag_on_failover", doc.get("maximum_lag_on_failover")) : d.maximumLagOnFailover();
        long startTimeout = doc.containsKey("primary_start_timeout")
                ? millis("primary_start_timeout", doc.get("primary_start_timeout"), 0, MAX_PRIMARY_START_TIMEOUT_MILLIS)
                : d.primaryStartTimeoutMillis();
        boolean pause = doc.containsKey("pause") ? bool("pause", doc.get("pause")) : d.pause();
        Map<String, Object> pg = doc.containsKey("postgresql") ? object("postgresql", doc.get("postgresql")) : Map.of();
        for (String key : pg.keySet()) {
            checkKey("postgresql." + key, POSTGRESQL_KEYS);
        }
        boolean rewind = pg.containsKey("use_pg_rewind")
                ? bool("postgresql.use_pg_rewind", pg.get("use_pg_rewind")) : d.usePgRewind();
        boolean slots = pg.containsKey("use_slots") ? bool("postgresql.use_slots", pg.get("use_slots")) : d.useSlots();
        Map<String, String> parameters = new TreeMap<>();
        if (pg.containsKey("parameters")) {
            object("postgresql.parameters", pg.get("parameters")).forEach((name, value) ->
                    parameters.put(name, parameter(name, value)));
        }
        return new DynamicConfig(loopWait, maxLag, startTimeout, rewind, slots, parameters, pause, 0, sync(doc));
    }

    /** synchronous_mode (off, on, quorum; Patroni's booleans too), _strict and synchronous_node_count. */
    private static SyncSettings sync(Map<String, Object> doc) {
        SyncSettings d = SyncSettings.OFF;
        SyncMode mode = d.mode();
        if (doc.containsKey("synchronous_mode")) {
            Object value = doc.get("synchronous_mode");
            mode = SyncMode.parse(value).orElseThrow(() -> new InvalidConfigException("synchronous_mode",
                    "must be off, on or quorum, got " + describe(value)));
        }
        boolean strict = doc.containsKey("synchronous_mode_strict")
                ? bool("synchronous_mode_strict", doc.get("synchronous_mode_strict")) : d.strict();
        int count = d.nodeCount();
        if (doc.containsKey("synchronous_node_count")) {
            BigDecimal n = number("synchronous_node_count", doc.get("synchronous_node_count"));
            if (n.stripTrailingZeros().scale() > 0 || n.compareTo(BigDecimal.ONE) < 0
                    || n.compareTo(BigDecimal.valueOf(SyncSettings.MAX_NODE_COUNT)) > 0) {
                throw new InvalidConfigException("synchronous_node_count", "must be a whole number between 1 and "
                        + SyncSettings.MAX_NODE_COUNT + ", got " + n.toPlainString());
            }
            count = n.intValueExact();
        }
        return new SyncSettings(mode, strict, count);
    }

    private static void checkKey(String path, Set<String> known) {
        String leaf = path.substring(path.lastIndexOf('.') + 1);
        String refused = REFUSED.get(leaf);
        if (refused != null) {
            throw new InvalidConfigException(path, refused);
        }
        if (!known.contains(leaf)) {
            throw new InvalidConfigException(path, "unknown key; known here: "
                    + String.join(", ", known.stream().sorted().toList()));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String key, Object value) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new InvalidConfigException(key, "must be an object, got " + describe(value));
        }
        return (Map<String, Object>) m;
    }

    private static boolean bool(String key, Object value) {
        if (!(value instanceof Boolean b)) {
            throw new InvalidConfigException(key, "must be true or false, got " + describe(value));
        }
        return b;
    }

    private static long bytes(String key, Object value) {
        BigDecimal n = number(key, value);
        if (n.signum() < 0 || n.stripTrailingZeros().scale() > 0 || n.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new InvalidConfigException(key, "must be a whole number of bytes >= 0, got " + n.toPlainString());
        }
        return n.longValueExact();
    }

    /** Seconds (Patroni's unit, fractions allowed) to milliseconds within [min, max]. */
    private static long millis(String key, Object value, long min, long max) {
        BigDecimal seconds = number(key, value);
        BigDecimal ms = seconds.movePointRight(3);
        if (ms.compareTo(BigDecimal.valueOf(min)) < 0 || ms.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new InvalidConfigException(key, "must be between " + min / 1000.0 + " and " + max / 1000
                    + " seconds, got " + seconds.toPlainString());
        }
        return ms.longValue();
    }

    private static BigDecimal number(String key, Object value) {
        if (!(value instanceof Number n) || value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            throw new InvalidConfigException(key, "must be a number, got " + describe(value));
        }
        return n instanceof BigDecimal b ? b : n instanceof BigInteger i ? new BigDecimal(i) : new BigDecimal(n.toString());
    }

    /** A PostgreSQL parameter as the text PostgreSQL reads: booleans on/off, numbers as written. */
    private static String parameter(String name, Object value) {
        String key = "postgresql.parameters." + name;
        if (!PARAMETER_NAME.matcher(name).matches()) {
            throw new InvalidConfigException(key, "is not a PostgreSQL parameter name (letters, digits, _ and .)");
        }
        String text = switch (value) {
            case Boolean b -> b ? "on" : "off";
            case Number n -> number(key, n).toPlainString();
            case String s -> s;
            case null -> throw new InvalidConfigException(key, "must not be null here");
            default -> throw new InvalidConfigException(key, "must be a string, number or boolean, got "
                    + describe(value));
        };
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                throw new InvalidConfigException(key, "must not contain control characters (line breaks)");
            }
        }
        return text;
    }

    private static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case Map<?, ?> ignored -> "an object";
            case java.util.List<?> ignored -> "an array";
            case String s -> "the text \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
            default -> String.valueOf(value);
        };
    }
}
