package io.raftgres.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.raftgres.agent.LocalAgentCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Planned switchover on the loopback cluster (three agents, three PostgreSQL 15, lease gate on,
 * asynchronous replication) with a client inserting every 10 ms through a multi-host URL: five
 * switchovers in a row, each to the best candidate, printing per round the seconds without an
 * acknowledged write and the REST call's duration, then median and max. Prints numbers only (no
 * timed assertion). Not part of the build: run with {@code mvn -pl agent -am test
 * -Dtest=SwitchoverBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dswitchover.bench=true}
 * (or {@code ./demo.sh bench-switchover}).
 */
@EnabledIfSystemProperty(named = "switchover.bench", matches = "true")
class SwitchoverBenchmark {

    @TempDir
    Path dir;

    @Test
    void fiveSwitchoversWithAWriter() throws Exception {
        try (LocalAgentCluster cluster = new LocalAgentCluster(dir)) {
            cluster.runShowingLogs(this::run);
        }
    }

    private void run(LocalAgentCluster cluster) throws Exception {
        for (var m : cluster.members()) {
            cluster.start(m);
        }
        await("one primary and two streaming replicas", Duration.ofSeconds(300), cluster::healthy);
        await("feature level 4", Duration.ofSeconds(30), () -> cluster.members().stream()
                .anyMatch(m -> cluster.body(m, "/cluster").contains("\"members\"")) && switchoverAccepted(cluster));
        List<Double> gaps = new ArrayList<>();
        List<Double> calls = new ArrayList<>();
        System.out.printf("%-6s %-5s %-5s %-28s %-18s%n", "round", "from", "to", "no acknowledged write (s)",
                "POST took (s)");
        try (AckedWriter writer = new AckedWriter(cluster, 10, 600_000)) {
            for (int round = 1; round <= 5; round++) {
                await("a healthy cluster", Duration.ofSeconds(60), cluster::healthy);
                Thread.sleep(2000);
                var from = cluster.primaries().getFirst();
                long t0 = System.nanoTime();
                HttpResponse<String> r = cluster.write(from, "POST", "/switchover",
                        "{\"leader\": \"" + from.name() + "\"}", true);
                long t1 = System.nanoTime();
                assertEquals(200, r.statusCode(), r.body());
                await("a write after the switchover", Duration.ofSeconds(30),
                        () -> !writer.acks().isEmpty() && writer.acks().getLast().atNanos() > t1);
                Thread.sleep(500);
                double gap = writer.longestGapMillis(t0, System.nanoTime()) / 1000.0;
                double call = (t1 - t0) / 1e9;
                gaps.add(gap);
                calls.add(call);
                String to = r.body().replaceAll(".*\"(n[0-9])\".*", "$1");
                System.out.printf("%-6d %-5s %-5s %-28.2f %-18.2f%n", round, from.name(), to, gap, call);
            }
        }
        System.out.printf("%nno acknowledged write: median %.2f s, max %.2f s%n", median(gaps), max(gaps));
        System.out.printf("POST /switchover took: median %.2f s, max %.2f s%n", median(calls), max(calls));
    }

    private static boolean switchoverAccepted(LocalAgentCluster cluster) {
        return cluster.members().stream().anyMatch(m -> cluster.body(m, "/cluster").contains("\"scope\""))
                && cluster.members().stream().allMatch(m -> !read(m).isEmpty())
                && cluster.members().stream().anyMatch(m -> read(m).contains("feature level from 1 to " + io.raftgres.core.model.FeatureLevel.LATEST));
    }

    private static String read(LocalAgentCluster.Member m) {
        try {
            return java.nio.file.Files.exists(m.log()) ? java.nio.file.Files.readString(m.log()) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
