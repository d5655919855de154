package io.raftgres.api;

import io.raftgres.core.spi.HaEvents.FenceReason;
import io.raftgres.testkit.Exposition;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Grafana dashboard in docs/grafana is valid JSON and queries only metrics that
 * {@code /metrics} serves: every selector ({@code name{...}} or a bare {@code patroni_}/
 * {@code raftgres_} name) in its queries is a series name of a real scrape. Showed it fails by
 * renaming a query's metric to {@code patroni_master} (removed in Patroni 4).
 */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "raftgres-overview.json");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");
    private static final Pattern OURS = Pattern.compile("\\b((?:patroni|raftgres)_[a-z0-9_]+)");

    @Test
    void isValidJsonAndUsesOnlyServedMetrics() throws Exception {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
        assertEquals("raftgres-overview", dashboard.get("uid").asString());
        List<String> queries = new ArrayList<>();
        collectQueries(dashboard, queries);
        assertTrue(queries.size() >= 10, "queries found: " + queries.size());

        Set<String> used = new TreeSet<>();
        for (String q : queries) {
            Matcher s = SELECTOR.matcher(q);
            while (s.find()) {
                used.add(s.group(1));
            }
            Matcher o = OURS.matcher(q);
            while (o.find()) {
                used.add(o.group(1));
            }
        }
        Set<String> served = servedNames();
        Set<String> unknown = used.stream().filter(n -> !served.contains(n)).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(unknown.isEmpty(), "the dashboard queries metrics /metrics does not serve: " + unknown);
        assertFalse(used.isEmpty());
    }

    private static Set<String> servedNames() {
        RaftgresMetrics metrics = new RaftgresMetrics("demo", "n1", () -> LiveReadings.NONE);
        metrics.fenced(FenceReason.LEASE_LOST);
        metrics.cycleCompleted(1_000_000);
        return Exposition.parse(metrics.scrape(Snapshots.primary().build())).samples().stream()
                .map(Exposition.Sample::name).collect(Collectors.toSet());
    }

    /** Every panel target's {@code expr} and every templating query, anywhere in the tree. */
    private static void collectQueries(JsonNode node, List<String> out) {
        if (node.isObject()) {
            for (var field : node.properties()) {
                if (("expr".equals(field.getKey()) || "definition".equals(field.getKey())) && field.getValue().isString()) {
                    out.add(field.getValue().asString());
                } else {
                    collectQueries(field.getValue(), out);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> collectQueries(child, out));
        }
    }
}
