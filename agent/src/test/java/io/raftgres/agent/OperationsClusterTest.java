package io.raftgres.agent;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static io.raftgres.agent.LocalAgentCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11's operations end to end on three real members: a restart-needing PATCH shows
 * {@code pending_restart} and {@code POST /restart {"restart_pending": true}} clears it member by
 * member (replica, then the primary, which stays primary on the same timeline and keeps every
 * row), a restart in maintenance mode, and {@code POST /reinitialize} of a replica (refused on the
 * primary) that re-clones it and streams again; {@code POST /reload} of a member's YAML (refused
 * when it does not load; a local parameter and the log level applied at runtime).
 */
@Tag("postgres")
class OperationsClusterTest {

    private static final String PENDING = "\"pending_restart\":true";

    @TempDir
    Path dir;

    @Test
    void restartClearsPendingRestartKeepsThePrimaryAndReinitializeReclonesAReplica() throws Exception {
        try (LocalAgentCluster cluster = new LocalAgentCluster(dir)) {
            cluster.runShowingLogs(this::run);
        }
    }

    private void run(LocalAgentCluster cluster) throws Exception {
        cluster.startAllHealthy();
        var primary = cluster.primaries().getFirst();
        List<LocalAgentCluster.Member> replicas = cluster.members().stream().filter(m -> m != primary).toList();
        try (Connection c = cluster.connect(primary); Statement s = c.createStatement()) {
            s.execute("create table t(id int primary key)");
            s.execute("insert into t select generate_series(1, 300)");
        }
        String timeline = cluster.queryOne(primary, "select timeline_id from pg_control_checkpoint()");

        HttpResponse<String> r = cluster.write(primary, "POST", "/restart", "{\"restart_pending\": true}", true);
        assertEquals(503, r.statusCode(), "nothing pending yet: " + r.body());

        r = cluster.write(primary, "PATCH", "/config", "{\"postgresql\": {\"parameters\": {\"max_connections\": 40}}}",
                true);
        assertEquals(200, r.statusCode(), r.body());
        for (var m : cluster.members()) {
            await(m.name() + " to show max_connections pending", Duration.ofSeconds(20),
                    () -> cluster.body(m, "/patroni").contains(PENDING));
        }

        var replica = replicas.getFirst();
        long sent = System.nanoTime();
        r = cluster.write(replica, "POST", "/restart", "{\"restart_pending\": true, \"role\": \"replica\"}", true);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("restarted successfully", r.body());
        System.out.printf("POST /restart on a replica: %.1f s%n", (System.nanoTime() - sent) / 1e9);
        assertEquals("40", cluster.queryOne(replica, "show max_connections"));
        await(replica.name() + " to clear pending_restart", Duration.ofSeconds(20),
                () -> !cluster.body(replica, "/patroni").contains(PENDING));
        await(replica.name() + " to stream again", Duration.ofSeconds(30), () -> cluster.isStreaming(replica));

        r = cluster.write(primary, "POST", "/restart", "{\"role\": \"replica\"}", true);
        assertEquals(503, r.statusCode(), "role condition not met: " + r.body());
        sent = System.nanoTime();
        r = cluster.write(primary, "POST", "/restart", "{\"restart_pending\": true}", true);
        assertEquals(200, r.statusCode(), r.body());
        System.out.printf("POST /restart on the primary: %.1f s%n", (System.nanoTime() - sent) / 1e9);
        await(primary.name() + " to be primary again", Duration.ofSeconds(30),
                () -> cluster.primaries().equals(List.of(primary)));
        assertEquals(timeline, cluster.queryOne(primary, "select timeline_id from pg_control_checkpoint()"),
                "a restart is no failover");
        assertEquals("40", cluster.queryOne(primary, "show max_connections"));
        assertEquals("300", cluster.queryOne(primary, "select count(*) from t"));
        await(primary.name() + " to clear pending_restart", Duration.ofSeconds(20),
                () -> !cluster.body(primary, "/patroni").contains(PENDING));

        // Paused: an operator's restart still runs (Patroni allows it); nothing else acts.
        var other = replicas.getLast();
        assertEquals(200, cluster.write(other, "PATCH", "/config", "{\"pause\": true}", true).statusCode());
        await(other.name() + " to show pause", Duration.ofSeconds(10),
                () -> cluster.body(other, "/patroni").contains("\"pause\":true"));
        r = cluster.write(other, "POST", "/restart", "", true);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("40", cluster.queryOne(other, "show max_connections"));
        assertEquals(200, cluster.write(other, "PATCH", "/config", "{\"pause\": false}", true).statusCode());

        // Reinitialize: refused on the primary, re-clones a replica.
        r = cluster.write(primary, "POST", "/reinitialize", "", true);
        assertEquals(503, r.statusCode(), r.body());
        assertEquals("I am the leader, can not reinitialize", r.body());
        String systemBefore = cluster.queryOne(replica, "select system_identifier from pg_control_system()");
        String startBefore = cluster.queryOne(replica, "select pg_postmaster_start_time()");
        sent = System.nanoTime();
        r = cluster.write(replica, "POST", "/reinitialize", "{\"force\": false}", true);
        assertEquals(200, r.statusCode(), r.body());
        System.out.printf("POST /reinitialize of a replica: %.1f s%n", (System.nanoTime() - sent) / 1e9);
        await(replica.name() + " to stream again with every row", Duration.ofSeconds(60),
                () -> cluster.isStreaming(replica) && "300".equals(cluster.queryOne(replica, "select count(*) from t")));
        assertEquals(systemBefore, cluster.queryOne(replica, "select system_identifier from pg_control_system()"));
        assertNotEquals(startBefore, cluster.queryOne(replica, "select pg_postmaster_start_time()"));
        String log = java.nio.file.Files.readString(replica.log());
        assertTrue(log.contains("reinitialize requested by an operator: cloning from " + primary.name()), "re-cloned");
        assertEquals(List.of(primary), cluster.primaries());
        await("healthy at the end", Duration.ofSeconds(30), cluster::healthy);

        // POST /reload: a YAML that does not load changes nothing; a local parameter and the log
        // level change at runtime, through the HA loop's next cycle.
        String yaml = java.nio.file.Files.readString(other.config());
        java.nio.file.Files.writeString(other.config(), yaml + "log: {level: LOUD}\n");
        r = cluster.write(other, "POST", "/reload", "", true);
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("log.level"), r.body());
        java.nio.file.Files.writeString(other.config(), yaml + "  parameters: {work_mem: 9MB}\nlog: {level: DEBUG}\n");
        r = cluster.write(other, "POST", "/reload", "", true);
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("applied: log.level, postgresql.parameters.work_mem", r.body());
        await(other.name() + " to run with its own work_mem", Duration.ofSeconds(15),
                () -> "9MB".equals(cluster.queryOne(other, "show work_mem")));
        assertEquals(200, cluster.write(other, "POST", "/reload", "", true).statusCode(), "nothing changed since");
    }
}
