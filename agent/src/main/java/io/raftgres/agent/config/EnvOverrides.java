package io.raftgres.agent.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Applies {@code RAFTGRES_*} environment variables to the parsed YAML before it is
 * validated, so an override is checked exactly like the file value it replaces.
 *
 * <p>Mapping rule (values are taken as text and converted like YAML strings):
 * <ul>
 *   <li>{@code RAFTGRES_NAME}, {@code RAFTGRES_SCOPE} set the top-level keys;</li>
 *   <li>{@code RAFTGRES_<SECTION>_<KEY>} sets {@code <section>.<key>} (both lower-cased) for
 *       the sections RESTAPI, RAFT, POSTGRESQL, WATCHDOG, VIP and LOG, e.g.
 *       {@code RAFTGRES_RAFT_SELF_ADDR} sets {@code raft.self_addr}; only keys holding a
 *       single value can be set, and {@code RAFTGRES_RAFT_PARTNER_ADDRS} takes a comma list;</li>
 *   <li>{@code RAFTGRES_TAGS_<KEY>} sets tag {@code <key>} (custom tags included);</li>
 *   <li>{@code RAFTGRES_RESTAPI_USERNAME} / {@code _PASSWORD} set {@code restapi.authentication};</li>
 *   <li>{@code RAFTGRES_SUPERUSER_*}, {@code RAFTGRES_REPLICATION_*}, {@code RAFTGRES_REWIND_*}
 *       with {@code USERNAME} or {@code PASSWORD} set {@code postgresql.authentication.<user>}.</li>
 * </ul>
 * A variable whose section is one of these but whose key is not known is a problem (a
 * mistyped override must not be silently ignored); any other {@code RAFTGRES_} variable,
 * such as one used by a start script, is ignored. Variables are applied in name order.
 */
final class EnvOverrides {
    static final String PREFIX = "RAFTGRES_";
    private static final List<String> USERS = List.of("SUPERUSER", "REPLICATION", "REWIND");
    private static final List<String> CREDENTIAL_FIELDS = List.of("USERNAME", "PASSWORD");
    /** Section name to the keys of that section an environment variable may set. */
    private static final Map<String, List<String>> SECTIONS = Map.of(
            "RESTAPI", java.util.stream.Stream.concat(java.util.stream.Stream.of("listen", "connect_address"),
                    RestSecurityConfig.KEYS.stream().filter(k -> !k.equals("allowlist"))).toList(),
            "RAFT", RaftSettings.KEYS,
            "POSTGRESQL", PostgresqlConfig.KEYS.stream()
                    .filter(k -> !List.of("authentication", "parameters", "pg_hba").contains(k)).toList(),
            "WATCHDOG", WatchdogSettings.KEYS,
            "VIP", VipSettings.KEYS,
            "LOG", LogSettings.KEYS);

    private EnvOverrides() {
    }

    /** Writes every mapped variable into {@code root} (mutable), recording its source for problem messages. */
    static void apply(Map<String, Object> root, Map<String, String> env, ConfigProblems problems) {
        for (Map.Entry<String, String> variable : new TreeMap<>(env).entrySet()) {
            String name = variable.getKey();
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            resolve(name, problems).ifPresent(path -> {
                if (set(root, path, variable.getValue())) {
                    problems.recordEnvironmentSource(String.join(".", path), name);
                }
            });
        }
    }

    /** The YAML key path a variable sets; empty for ignored or (with a problem) unknown variables. */
    static Optional<List<String>> resolve(String variable, ConfigProblems problems) {
        String rest = variable.substring(PREFIX.length());
        if (rest.equals("NAME") || rest.equals("SCOPE")) {
            return Optional.of(List.of(lower(rest)));
        }
        int underscore = rest.indexOf('_');
        if (underscore <= 0 || underscore == rest.length() - 1) {
            return Optional.empty();
        }
        String section = rest.substring(0, underscore);
        String key = rest.substring(underscore + 1);
        if (section.equals("TAGS")) {
            return Optional.of(List.of("tags", lower(key)));
        }
        if (USERS.contains(section) || section.equals("RESTAPI") && CREDENTIAL_FIELDS.contains(key)) {
            if (!CREDENTIAL_FIELDS.contains(key)) {
                problems.addEnvironmentProblem(variable, "unknown variable; " + section
                        + " takes only the suffixes _USERNAME and _PASSWORD");
                return Optional.empty();
            }
            return Optional.of(section.equals("RESTAPI")
                    ? List.of("restapi", "authentication", lower(key))
                    : List.of("postgresql", "authentication", lower(section), lower(key)));
        }
        List<String> keys = SECTIONS.get(section);
        if (keys == null) {
            return Optional.empty();
        }
        if (!keys.contains(lower(key))) {
            problems.addEnvironmentProblem(variable, "unknown variable" + KeySuggestion.closest(lower(key), keys)
                    .map(guess -> "; did you mean " + PREFIX + section + "_" + guess.toUpperCase(Locale.ROOT) + "?")
                    .orElse("; " + lower(section) + " keys that can be set: " + String.join(", ", keys)));
            return Optional.empty();
        }
        return Optional.of(List.of(lower(section), lower(key)));
    }

    /**
     * Sets {@code value} at {@code path}, creating missing mappings. A path through a value
     * that is not a mapping is left alone: validation reports that value's type.
     */
    private static boolean set(Map<String, Object> root, List<String> path, String value) {
        Map<String, Object> current = root;
        for (String key : path.subList(0, path.size() - 1)) {
            Object next = current.get(key);
            if (next == null) {
                next = new LinkedHashMap<String, Object>();
                current.put(key, next);
            }
            if (!(next instanceof Map<?, ?>)) {
                return false;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> nested = (Map<String, Object>) next;
            current = nested;
        }
        current.put(path.getLast(), value);
        return true;
    }

    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
