package io.raftgres.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of a Prometheus text exposition, for assertions on {@code /metrics} values.
 * Reads only what raftgres writes (no escaped quotes in label values, no timestamps); the
 * format itself is checked by {@link Promtool}. Immutable.
 */
public final class Exposition {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

    /** One line: metric name, labels, value. */
    public record Sample(String name, Map<String, String> labels, double value) { }

    private final List<Sample> samples;

    private Exposition(List<Sample> samples) {
        this.samples = List.copyOf(samples);
    }

    /** Parses every sample line; comments and blank lines are skipped, an unreadable line throws. */
    public static Exposition parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        return new Exposition(out);
    }

    public List<Sample> samples() {
        return samples;
    }

    /**
     * The value of the one sample named {@code name} whose labels include {@code labels}
     * ("k1", "v1", "k2", "v2", ...); throws naming the metric when there is none or several.
     */
    public double value(String name, String... labels) {
        List<Sample> found = samples.stream().filter(s -> s.name().equals(name) && hasLabels(s, labels)).toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples of " + name + " with labels " + List.of(labels)
                    + " (want exactly 1)");
        }
        return found.getFirst().value();
    }

    private static boolean hasLabels(Sample s, String[] labels) {
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
