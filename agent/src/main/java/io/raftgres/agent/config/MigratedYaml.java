package io.raftgres.agent.config;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document with a comment on any key, rendered in block style for mappings and flow style
 * for values ({@code [a, b]}, {@code {k: v}}), scalars quoted by SnakeYAML where YAML needs it.
 * Dropped keys stay in place as a comment ({@code # key: removed: reason}).
 */
final class MigratedYaml {
    private static final int WIDTH = 100;

    private MigratedYaml() {
    }

    /** An ordered mapping whose entries may carry a comment; a dropped entry is a comment only. */
    static final class Node {
        private record Entry(Object value, String note, boolean dropped) { }

        private final Map<String, Entry> entries = new LinkedHashMap<>();

        void put(String key, Object value) {
            put(key, value, null);
        }

        void put(String key, Object value, String note) {
            entries.put(key, new Entry(value, note, false));
        }

        void drop(String key, String reason) {
            entries.put(key, new Entry(null, reason, true));
        }

        void collectNotes(String path, List<String> out) {
            entries.forEach((key, e) -> {
                String here = path.isEmpty() ? key : path + "." + key;
                if (e.note() != null) {
                    out.add(here + (e.dropped() ? ": removed: " : ": ") + e.note());
                }
                if (e.value() instanceof Node child) {
                    child.collectNotes(here, out);
                }
            });
        }

        private void render(StringBuilder out, String indent, Yaml flow) {
            entries.forEach((key, e) -> {
                if (e.dropped()) {
                    comment(out, indent, key + ": removed: " + e.note());
                    return;
                }
                if (e.note() != null) {
                    comment(out, indent, e.note());
                }
                if (e.value() instanceof Node child && !child.entries.isEmpty()) {
                    out.append(indent).append(key).append(":\n");
                    child.render(out, indent + "  ", flow);
                } else if (e.value() instanceof Node) {
                    out.append(indent).append(key).append(": {}\n");
                } else {
                    out.append(indent).append(key).append(": ").append(flow.dump(e.value()).strip()).append('\n');
                }
            });
        }
    }

    static String render(Node root, String header) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.FLOW);
        options.setWidth(Integer.MAX_VALUE);
        StringBuilder out = new StringBuilder();
        for (String line : header.split("\n")) {
            out.append("# ").append(line).append('\n');
        }
        root.render(out, "", new Yaml(options));
        return out.toString();
    }

    /** Wraps a comment at {@link #WIDTH} columns, every line starting with {@code # }. */
    private static void comment(StringBuilder out, String indent, String text) {
        StringBuilder line = new StringBuilder(indent).append('#');
        for (String word : text.split(" ")) {
            if (line.length() + word.length() + 1 > WIDTH && line.length() > indent.length() + 2) {
                out.append(line).append('\n');
                line = new StringBuilder(indent).append("#  ");
            }
            line.append(' ').append(word);
        }
        out.append(line).append('\n');
    }
}
