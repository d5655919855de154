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
 * HA loop feeds the cycle histogram; a replica's paused WAL replay shows as
 * {@code patroni_xlog_paused} 1 and resumed as 0; a primary whose agent was frozen (SIGSTOP) until another
 * member took over counts one fence when it wakes; after SIGKILL of the primary the new primary
 * counts one more failover (its promotion) and a newer election, and times it
 * ({@code raftgres_failover_last_duration_seconds} a new value between 0 and 60 s). The exposition passes
 * {@code promtool check metrics}; without promtool the test is reported skipped with the reason
 * after the value checks. Showed it can fail by removing the {@code events.promoted()} hook from
 * ActionExecutor (the failover count stayed 0) and both fence hooks, LeaseGuard's and
 * ActionExecutor's (no fence after the freeze), and by not passing the promotion on to the failover timer in
 * RaftgresMetrics.promoted (the duration stayed NaN).
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

    /**
     * SIGSTOP of the primary's agent (its PostgreSQL keeps running) until another member is
     * primary, then SIGCONT: the agent wakes without its lease and must fence.
     */
    private static void freezeAgent(LocalAgentCluster.Member m, LocalAgentCluster cluster) throws Exception {
        ProcessHandle agent = cluster.agent(m).orElseThrow(() -> new AssertionError("no agent process for " + m.name()));
        signal("STOP", agent.pid());
        try {
            await("another member to become primary", Duration.ofSeconds(60),
                    () -> cluster.primaries().stream().anyMatch(p -> p != m));
        } finally {
            signal("CONT", agent.pid());
        }
    }

    /**
     * {@code pg_wal_replay_pause()} on a replica: its {@code patroni_xlog_paused} and
     * {@code /patroni} {@code xlog.paused} follow within a few HA cycles, and return to 0 and
     * false after {@code pg_wal_replay_resume()}.
     */
    private static void replayPauseShows(LocalAgentCluster cluster, LocalAgentCluster.Member replica) throws Exception {
        assertEquals(0, Exposition.parse(cluster.body(replica, "/metrics")).value("patroni_xlog_paused"));
        cluster.queryOne(replica, "select pg_wal_replay_pause()");
        await("patroni_xlog_paused 1 on " + replica.name(), Duration.ofSeconds(15),
                () -> Exposition.parse(cluster.body(replica, "/metrics")).value("patroni_xlog_paused") == 1);
        assertTrue(cluster.body(replica, "/patroni").contains("\"paused\":true"), "xlog.paused in /patroni");
        cluster.queryOne(replica, "select pg_wal_replay_resume()");
        await("patroni_xlog_paused 0 on " + replica.name(), Duration.ofSeconds(15),
                () -> Exposition.parse(cluster.body(replica, "/metrics")).value("patroni_xlog_paused") == 0);
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + name + " " + pid);
    }

    private void run(LocalAgentCluster cluster) throws Exception {
        cluster.startAllHealthy();
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
        replayPauseShows(cluster, replica);

        freezeAgent(primary, cluster);
        await("the frozen member to fence itself and the cluster to heal", Duration.ofSeconds(120), cluster::healthy);
        Exposition f = Exposition.parse(cluster.body(primary, "/metrics"));
        assertEquals(1, f.value("raftgres_fences_total", "reason", "lease_lost")
                + f.value("raftgres_fences_total", "reason", "ha_decision"), "one fence after the freeze");

        var current = cluster.primaries().getFirst();
        Exposition c = Exposition.parse(cluster.body(current, "/metrics"));
        double termBefore = c.value("raftgres_raft_term");
        var survivors = cluster.members().stream().filter(m -> m != current).toList();
        double[] failoversBefore = new double[survivors.size()];
        double[] durationBefore = new double[survivors.size()];
        for (int i = 0; i < survivors.size(); i++) {
            Exposition s = Exposition.parse(cluster.body(survivors.get(i), "/metrics"));
            failoversBefore[i] = s.value("raftgres_failovers_total");
            durationBefore[i] = s.value("raftgres_failover_last_duration_seconds");
        }
        cluster.kill(current);
        await("a new primary", Duration.ofSeconds(60), () -> cluster.primaries().size() == 1);
        var next = cluster.primaries().getFirst();
        double expectedFailovers = failoversBefore[survivors.indexOf(next)] + 1;
        // patroni_primary turns 1 once PostgreSQL accepts writes; the promotion counts when its action ended
        await("the new primary's metrics to show its promotion", Duration.ofSeconds(10), () -> {
            Exposition e = Exposition.parse(cluster.body(next, "/metrics"));
            return e.value("patroni_primary") == 1 && e.value("raftgres_failovers_total") >= expectedFailovers;
        });
        Exposition n = Exposition.parse(cluster.body(next, "/metrics"));
        assertEquals(expectedFailovers, n.value("raftgres_failovers_total"), "one more promotion on the new primary");
        assertTrue(n.value("raftgres_raft_term") > termBefore, "a newer term");
        double took = n.value("raftgres_failover_last_duration_seconds");
        assertTrue(took > 0 && took < 60, "the new primary timed its failover: " + took + " s");
        assertTrue(Double.compare(took, durationBefore[survivors.indexOf(next)]) != 0,
                "this failover's duration, not an earlier one's: " + took + " s");
        assertTrue(n.value("raftgres_leader_elections_seen_total") >= 2, "the first leader's term and the new one");

        Promtool promtool = Promtool.find();
        Assumptions.assumeTrue(promtool.unavailableReason().isEmpty(), () -> promtool.unavailableReason().orElseThrow());
        for (String text : new String[]{primaryText, cluster.body(next, "/metrics")}) {
            Promtool.Result result = promtool.checkMetrics(text);
            assertTrue(result.passed(), "promtool: exit " + result.exitCode() + "\n" + result.output());
        }
    }
}
