package io.raftgres.agent;

import io.raftgres.testkit.Exposition;
import io.raftgres.testkit.Promtool;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.raftgres.agent.LocalAgentCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /metrics} of real agents (three processes, PostgreSQL 15, Ratis over loopback):
 * Patroni's values agree with the member's role and WAL, the lease and Raft role are live, the
 * HA loop feeds the cycle histogram, and after SIGKILL of the primary the new primary counts one
 * failover (its promotion) and a newer election. The exposition passes
 * {@code promtool check metrics}; without promtool the test is reported skipped with the reason
 * after the value checks. Showed it can fail by removing the {@code events.promoted()} hook from
 * ActionExecutor: the failover count stayed 0.
 */
@Tag("postgres")
class AgentMetricsTest {

    @TempDir
    Path dir;

    @Test
    void servesPatroniAndRaftgresMetricsAcrossAFailover() throws Exception {
        try (LocalAgentCluster cluster = new LocalAgentCluster(dir)) {
            try {
                run(cluster);
            } catch (AssertionError | Exception e) {
                throw new AssertionError(e.getMessage() + "\n" + cluster.logs(), e);
            }
        }
    }

    private void run(LocalAgentCluster cluster) throws Exception {
        for (var m : cluster.members()) {
            cluster.start(m);
        }
        await("one primary and two streaming replicas", Duration.ofSeconds(120), cluster::healthy);
        var primary = cluster.primaries().getFirst();
        var replica = cluster.members().stream().filter(m -> m != primary).findFirst().orElseThrow();
        String primaryText = cluster.body(primary, "/metrics");
        Exposition p = Exposition.parse(primaryText);
        Exposition r = Exposition.parse(cluster.body(replica, "/metrics"));

        assertEquals(1, p.value("patroni_primary", "scope", "it", "name", primary.name()));
        assertEquals(0, p.value("patroni_replica"));
        assertTrue(p.value("patroni_xlog_location") > 0, "primary's WAL position");
        assertEquals(1, p.value("raftgres_raft_role", "role", "leader"));
        assertTrue(p.value("raftgres_lease_remaining_seconds") > 0, "the primary holds a lease");
        assertTrue(p.value("raftgres_ha_cycle_duration_seconds_count") > 0, "the HA loop reports its cycles");
        assertEquals(0, r.value("patroni_primary"));
        assertEquals(1, r.value("patroni_replica"));
        assertTrue(r.value("patroni_xlog_received_location") > 0, "replica's received position");
        assertEquals(p.value("patroni_postgres_timeline"), r.value("patroni_postgres_timeline"));
        assertEquals(0, r.value("raftgres_lease_remaining_seconds"));
        assertEquals(p.value("raftgres_raft_term"), r.value("raftgres_raft_term"));

        double termBefore = p.value("raftgres_raft_term");
        cluster.kill(primary);
        await("a new primary", Duration.ofSeconds(60), () -> cluster.primaries().size() == 1);
        var next = cluster.primaries().getFirst();
        await("the new primary's metrics to show its promotion", Duration.ofSeconds(10),
                () -> Exposition.parse(cluster.body(next, "/metrics")).value("patroni_primary") == 1);
        Exposition n = Exposition.parse(cluster.body(next, "/metrics"));
        assertEquals(1, n.value("raftgres_failovers_total"), "one promotion on the new primary");
        assertTrue(n.value("raftgres_raft_term") > termBefore, "a newer term");
        assertTrue(n.value("raftgres_leader_elections_seen_total") >= 2, "the first leader's term and the new one");

        Promtool promtool = Promtool.find();
        Assumptions.assumeTrue(promtool.unavailableReason().isEmpty(), () -> promtool.unavailableReason().orElseThrow());
        for (String text : new String[]{primaryText, cluster.body(next, "/metrics")}) {
            Promtool.Result result = promtool.checkMetrics(text);
            assertTrue(result.passed(), "promtool: exit " + result.exitCode() + "\n" + result.output());
        }
    }
}
