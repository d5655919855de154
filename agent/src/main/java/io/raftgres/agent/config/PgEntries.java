package io.raftgres.agent.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the PostgreSQL-shaped entries that appear both in {@code postgresql} and in
 * {@code bootstrap}: GUC {@code parameters} and {@code pg_hba} lines.
 */
final class PgEntries {
    private static final Pattern GUC_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    private static final Set<String> HBA_TYPES = Set.of("local", "host", "hostssl", "hostnossl", "hostgssenc",
            "hostnogssenc", "include", "include_if_exists", "include_dir");
    /** Parameters raftgres derives itself; a second source would silently lose. */
    private static final Map<String, String> DERIVED = Map.of(
            "listen_addresses", "is set from postgresql.listen",
            "port", "is set from postgresql.listen",
            "cluster_name", "is set from scope");

    private PgEntries() {
    }

    /**
     * GUC parameters as text. YAML booleans become {@code on}/{@code off} (YAML reads
     * {@code on} as a boolean); numbers keep their written form.
     */
    static Map<String, String> parameters(YamlSection parent, String name) {
        Map<String, String> result = new LinkedHashMap<>();
        YamlSection s = parent.section(name).orElse(null);
        if (s == null) {
            return result;
        }
        for (Map.Entry<?, ?> entry : s.entries().entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                s.problem(String.valueOf(entry.getKey()), "parameter names must be text, found "
                        + YamlSection.describe(entry.getKey()));
                continue;
            }
            if (!GUC_NAME.matcher(key).matches()) {
                s.problem(key, "is not a valid PostgreSQL parameter name");
            } else if (DERIVED.containsKey(key.toLowerCase(Locale.ROOT))) {
                s.problem(key, DERIVED.get(key.toLowerCase(Locale.ROOT)) + "; remove it here");
            } else {
                String value = scalarText(entry.getValue());
                if (value == null) {
                    s.problem(key, "must be a single value (text, number or boolean), found "
                            + YamlSection.describe(entry.getValue()));
                } else {
                    result.put(key, value);
                }
            }
        }
        return result;
    }

    /** pg_hba lines; each must start with a connection type or an include directive. */
    static List<String> hbaLines(YamlSection s, String name) {
        List<?> items = s.list(name);
        List<String> lines = new ArrayList<>();
        if (items == null) {
            return lines;
        }
        for (int i = 0; i < items.size(); i++) {
            String key = s.keyOf(name) + "[" + i + "]";
            if (!(items.get(i) instanceof String line) || line.isBlank()) {
                s.problems().add(key, "must be a pg_hba.conf line, found " + YamlSection.describe(items.get(i)));
                continue;
            }
            String type = line.strip().split("\\s+", 2)[0];
            if (!HBA_TYPES.contains(type)) {
                s.problems().add(key, "must start with a connection type (local, host, hostssl, hostnossl,"
                        + " hostgssenc, hostnogssenc) or include, include_if_exists, include_dir; found '"
                        + type + "'");
                continue;
            }
            lines.add(line.strip());
        }
        return lines;
    }

    /** A scalar rendered as PostgreSQL would read it, or null for mappings, lists and null. */
    static String scalarText(Object value) {
        return switch (value) {
            case String s -> s;
            case Boolean b -> b ? "on" : "off";
            case Double d when Double.isFinite(d) -> BigDecimal.valueOf(d).toPlainString();
            case Number n -> n.toString();
            case null, default -> null;
        };
    }
}
