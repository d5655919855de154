package io.raftgres.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.raftgres.agent.LocalAgentCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the synchronous modes cost: pgbench's simple-update script (scale 1, 8 clients) against the
 * primary of a three-agent loopback cluster with synchronous_mode off, on and quorum, switched through
 * {@code PATCH /config}; prints TPS and per-transaction latency p50/p99 (from pgbench's transaction log).
 * Not part of the build: run with {@code mvn -pl agent -am test -Dtest=SyncBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dsync.bench=true [-Dsync.bench.seconds=20]
 * [-Dit.lease_gate=false]}.
 */
@EnabledIfSystemProperty(named = "sync.bench", matches = "true")
class SyncBenchmark {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");
    private static final Path PGBENCH = Path.of("/usr/lib/postgresql/15/bin/pgbench");

    @TempDir
    Path dir;

    @Test
    void pgbenchInEachMode() throws Exception {
        int seconds = Integer.getInteger("sync.bench.seconds", 20);
        List<String> lines = new ArrayList<>();
        try (LocalAgentCluster cluster = new LocalAgentCluster(dir)) {
            cluster.runShowingLogs(c -> {
                for (var m : c.members()) {
                    c.start(m);
                }
                await("one primary and two streaming replicas", Duration.ofSeconds(120), c::healthy);
                var primary = c.primaries().getFirst();
                pgbench(primary, List.of("-i", "-q", "-s", "1"));
                for (String mode : List.of("off", "on", "quorum")) {
                    var r = c.write(primary, "PATCH", "/config", "{\"synchronous_mode\": \"" + mode + "\"}", true);
                    assertEquals(200, r.statusCode(), r.body());
                    String role = mode.equals("on") ? "sync_standby" : "quorum_standby";
                    int count = mode.equals("off") ? 0 : mode.equals("on") ? 1 : 2;
                    await(mode + " in effect", Duration.ofSeconds(60), () -> roles(c.body(primary, "/cluster"),
                            role) == count && (count > 0 || roles(c.body(primary, "/cluster"), "sync_standby") == 0));
                    Thread.sleep(2_000);
                    Path log = dir.resolve("tx-" + mode);
                    String out = pgbench(primary, List.of("-b", "simple-update", "-c", "8", "-j", "2", "-T",
                            Integer.toString(seconds), "-l", "--log-prefix=" + log));
                    long[] latencies = latencies(dir, "tx-" + mode);
                    lines.add(String.format("gate %-3s  synchronous_mode %-6s  tps %8s  p50 %6.2f ms  p99 %6.2f ms",
                            LocalAgentCluster.LEASE_GATE ? "on" : "off", mode, find(out),
                            percentile(latencies, 50) / 1000.0, percentile(latencies, 99) / 1000.0));
                    System.out.println(lines.getLast());
                }
            });
        }
        System.out.println("pgbench simple-update, 8 clients, " + seconds + " s per run:\n" + String.join("\n", lines));
        assertEquals(3, lines.size());
    }

    private static int roles(String clusterJson, String role) {
        return clusterJson.split("\"role\":\"" + role + "\"", -1).length - 1;
    }

    private static String pgbench(LocalAgentCluster.Member m, List<String> args) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>(List.of(PGBENCH.toString(), "-h", "127.0.0.1", "-p",
                Integer.toString(m.pgPort()), "-U", "postgres"));
        command.addAll(args);
        command.add("postgres");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", LocalAgentCluster.PASSWORD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("pgbench failed: " + out);
        }
        return out;
    }

    /** Per-transaction latencies in microseconds: the third field of pgbench's transaction log lines. */
    private static long[] latencies(Path dir, String prefix) throws IOException {
        List<Long> out = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
                for (String line : Files.readAllLines(f)) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length >= 3) {
                        out.add(Long.parseLong(fields[2]));
                    }
                }
            }
        }
        return out.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static double percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static String find(String out) {
        Matcher m = TPS.matcher(out);
        return m.find() ? m.group(1) : "?";
    }
}
