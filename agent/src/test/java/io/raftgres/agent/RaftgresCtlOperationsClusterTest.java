package io.raftgres.agent;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import static io.raftgres.agent.LocalAgentCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * raftgresctl's operator commands against three real agents, through the endpoints in
 * Patroni's contract (POST/DELETE /switchover, POST /failover, POST/DELETE /restart,
 * POST /reload, POST /reinitialize): a switchover with the prompts answered through stdin, a
 * scheduled switchover and a scheduled restart shown by list and flushed, restart --pending
 * after a restart-needing parameter, reload, failover --force and reinit of a replica.
 *
 * <p>These endpoints are built on another branch: until they are merged, the probe in
 * {@link #assumeOperatorEndpoints} finds them missing (404/405) and the test is reported
 * SKIPPED with that reason, never passed.
 */
@Tag("postgres")
class RaftgresCtlOperationsClusterTest {

    @TempDir
    Path dir;

    @Test
    void switchoverScheduledFlushRestartPendingReloadFailoverAndReinit() throws Exception {
        try (LocalAgentCluster cluster = new LocalAgentCluster(dir)) {
            try {
                run(cluster);
            } catch (TestAbortedException skipped) {
                throw skipped;
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
        assumeOperatorEndpoints(cluster);
        String c = cluster.member("n1").config().toString();

        var leader = cluster.primaries().getFirst();
        var target = cluster.members().stream().filter(m -> m != leader).findFirst().orElseThrow();
        CtlRun switchover = CtlRun.of("\n" + target.name() + "\n\ny\n", Map.of(), "-c", c, "switchover");
        assertEquals(0, switchover.exit(), switchover.toString());
        assertTrue(switchover.out().contains("Primary [" + leader.name() + "]: "), switchover.toString());
        assertTrue(switchover.out().contains("Successfully switched over to"), switchover.toString());
        await(target.name() + " to be the only primary with two streaming replicas", Duration.ofSeconds(60),
                () -> cluster.healthy() && cluster.primaries().getFirst() == target);

        String later = OffsetDateTime.now(ZoneOffset.UTC).plusHours(1).withNano(0).toString();
        CtlRun scheduled = CtlRun.of("-c", c, "switchover", "--force", "--candidate", leader.name(), "--scheduled", later);
        assertEquals(0, scheduled.exit(), scheduled.toString());
        assertTrue(CtlRun.of("-c", c, "list").out().contains("Switchover scheduled at:"));
        CtlRun flushSwitchover = CtlRun.of("-c", c, "flush", "it", "switchover");
        assertEquals(0, flushSwitchover.exit(), flushSwitchover.toString());
        assertFalse(CtlRun.of("-c", c, "list").out().contains("Switchover scheduled at:"));

        CtlRun scheduleRestart = CtlRun.of("-c", c, "restart", "it", leader.name(), "--scheduled", later, "--force");
        assertEquals(0, scheduleRestart.exit(), scheduleRestart.toString());
        assertTrue(scheduleRestart.out().contains("Success: restart scheduled on member " + leader.name()));
        await("list to show the scheduled restart", Duration.ofSeconds(10),
                () -> CtlRun.of("-c", c, "list", "-e").out().contains("Scheduled restart"));
        CtlRun flushRestart = CtlRun.of("-c", c, "flush", "it", "restart", "--force");
        assertEquals(0, flushRestart.exit(), flushRestart.toString());
        assertTrue(flushRestart.out().contains("Success: flush scheduled restart for member " + leader.name()));

        CtlRun pg = CtlRun.of("-c", c, "edit-config", "-p", "max_connections=40", "--force", "-q");
        assertEquals(0, pg.exit(), pg.toString());
        await("every member to show a pending restart", Duration.ofSeconds(20),
                () -> CtlRun.of("-c", c, "list").out().split("\\| \\*", -1).length == 4);
        CtlRun restart = CtlRun.of("-c", c, "restart", "it", "--pending", "--force");
        assertEquals(0, restart.exit(), restart.toString());
        await("no member to show a pending restart", Duration.ofSeconds(60),
                () -> !CtlRun.of("-c", c, "list").out().contains("Pending restart"));

        CtlRun reload = CtlRun.of("-c", c, "reload", "it", "--force");
        assertEquals(0, reload.exit(), reload.toString());

        await("a healthy cluster before the failover", Duration.ofSeconds(60), cluster::healthy);
        var next = cluster.members().stream().filter(m -> m != target).findFirst().orElseThrow();
        CtlRun failover = CtlRun.of("-c", c, "failover", "--candidate", next.name(), "--force");
        assertEquals(0, failover.exit(), failover.toString());
        await(next.name() + " to be the only primary", Duration.ofSeconds(60),
                () -> cluster.healthy() && cluster.primaries().getFirst() == next);

        var replica = cluster.members().stream().filter(m -> m != next).findFirst().orElseThrow();
        CtlRun reinit = CtlRun.of("-c", c, "reinit", "it", replica.name(), "--force");
        assertEquals(0, reinit.exit(), reinit.toString());
        assertTrue(reinit.out().contains("Success: reinitialize for member " + replica.name()), reinit.toString());
        await(replica.name() + " to stream again after the reinit", Duration.ofSeconds(90), cluster::healthy);
    }

    /**
     * Skips (with the reason) unless every operator endpoint is routed. The probes are requests
     * Patroni's contract refuses without acting (400: bad role, no leader named, no candidate;
     * 503: the leader cannot be reinitialized), so they change nothing where the endpoints exist.
     */
    private static void assumeOperatorEndpoints(LocalAgentCluster cluster) throws Exception {
        var leader = cluster.primaries().getFirst();
        String[][] probes = {{"/switchover", "{}"}, {"/failover", "{}"}, {"/restart", "{\"role\": \"nobody\"}"},
                {"/reinitialize", "{\"force\": false}"}};
        for (String[] p : probes) {
            int status = cluster.write(leader, "POST", p[0], p[1], true).statusCode();
            Assumptions.assumeFalse(status == 404 || status == 405, "POST " + p[0] + " is not on this branch yet "
                    + "(answered " + status + "); this test runs once the operator endpoints are merged");
        }
    }
}
