package io.raftgres.ctl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * edit-config's non-interactive changes, applied to a copy of the configuration as patronictl
 * applies them: {@code --apply} documents merged recursively ({@code null} deletes a key), then
 * {@code -s path.to.key=value}, then {@code -p name=value} (a PostgreSQL parameter). Values are
 * YAML scalars ({@code 5} is a number, {@code on} a boolean); an empty value deletes the key.
 */
final class ConfigEdits {

    private ConfigEdits() {
    }

    static Map<String, Object> apply(Map<String, Object> config, List<Map<String, Object>> patches, List<String> sets,
                                     List<String> pgParams) {
        Map<String, Object> out = copy(config);
        for (Map<String, Object> patch : patches) {
            merge(out, patch);
        }
        for (String s : sets) {
            String[] kv = split(s, "-s/--set");
            set(out, List.of(kv[0].split("\\.")), value(kv[1], s));
        }
        for (String p : pgParams) {
            String[] kv = split(p, "-p/--pg");
            set(out, List.of("postgresql", "parameters", kv[0]), value(kv[1], p));
        }
        return out;
    }

    /** A deep copy of a JSON/YAML mapping, keeping key order. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> copy(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> sub ? copy((Map<String, Object>) sub)
                : v instanceof List<?> l ? new ArrayList<>(l) : v));
        return out;
    }

    /** Recursive merge; a null value removes the key, as PATCH /config does. */
    @SuppressWarnings("unchecked")
    static void merge(Map<String, Object> target, Map<String, Object> patch) {
        patch.forEach((k, v) -> {
            if (v == null) {
                target.remove(k);
            } else if (v instanceof Map<?, ?> sub && target.get(k) instanceof Map<?, ?> existing) {
                merge((Map<String, Object>) existing, (Map<String, Object>) sub);
            } else {
                target.put(k, v instanceof Map<?, ?> sub ? copy((Map<String, Object>) sub) : v);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static void set(Map<String, Object> root, List<String> path, Object value) {
        Map<String, Object> node = root;
        for (String key : path.subList(0, path.size() - 1)) {
            if (key.isEmpty()) {
                throw CtlException.usage("'" + String.join(".", path) + "' has an empty key");
            }
            Object next = node.get(key);
            if (!(next instanceof Map<?, ?>)) {
                if (value == null) {
                    return;
                }
                next = new LinkedHashMap<String, Object>();
                node.put(key, next);
            }
            node = (Map<String, Object>) next;
        }
        String last = path.getLast();
        if (value == null) {
            node.remove(last);
        } else {
            node.put(last, value);
        }
    }

    private static String[] split(String arg, String option) {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            throw CtlException.usage(option + " takes key=value, got '" + arg + "'");
        }
        return new String[]{arg.substring(0, eq).strip(), arg.substring(eq + 1).strip()};
    }

    private static Object value(String text, String arg) {
        if (text.isEmpty()) {
            return null;
        }
        Object v = Documents.fromYaml(text, "the value in '" + arg + "'");
        return v;
    }
}
