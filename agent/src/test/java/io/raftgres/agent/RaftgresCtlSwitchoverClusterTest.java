package io.raftgres.agent;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
 * raftgresctl's leader changes against three real agents, through Patroni's contract for
 * POST/DELETE /switchover and POST /failover: a switchover with the prompts answered through
 * stdin, a scheduled switchover shown by list and flushed, failover --force, and last a
 * scheduled restart (an hour ahead): scheduled through the replicated state, shown by list, and
 * flushed (DELETE /restart), after which list no longer shows it.
 */
@Tag("postgres")
class RaftgresCtlSwitchoverClusterTest {

    @TempDir
    Path dir;

    @Test
    void switchoverWithPromptsScheduledSwitchoverFailoverAndFlush() throws Exception {
        try (LocalAgentCluster cluster = new LocalAgentCluster(dir)) {
            cluster.runShowingLogs(this::run);
        }
    }

    private void run(LocalAgentCluster cluster) throws Exception {
        cluster.startAllHealthy();
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

        await("a healthy cluster before the failover", Duration.ofSeconds(60), cluster::healthy);
        var next = cluster.members().stream().filter(m -> m != target).findFirst().orElseThrow();
        CtlRun failover = CtlRun.of("-c", c, "failover", "--candidate", next.name(), "--force");
        assertEquals(0, failover.exit(), failover.toString());
        await(next.name() + " to be the only primary", Duration.ofSeconds(60),
                () -> cluster.healthy() && cluster.primaries().getFirst() == next);

        CtlRun scheduleRestart = CtlRun.of("-c", c, "restart", "it", next.name(), "--scheduled", later, "--force");
        assertEquals(0, scheduleRestart.exit(), scheduleRestart.toString());
        assertTrue(scheduleRestart.out().contains("Success: restart scheduled on member " + next.name()),
                scheduleRestart.toString());
        await("list to show the scheduled restart", Duration.ofSeconds(10),
                () -> CtlRun.of("-c", c, "list").out().contains(later.substring(0, 16)));
        CtlRun flushRestart = CtlRun.of("-c", c, "flush", "it", next.name(), "restart", "--force");
        assertEquals(0, flushRestart.exit(), flushRestart.toString());
        assertTrue(flushRestart.out().contains("Success: flush scheduled restart for member " + next.name()),
                flushRestart.toString());
        await("list to show no scheduled restart", Duration.ofSeconds(10),
                () -> !CtlRun.of("-c", c, "list", "-e").out().contains(later.substring(0, 16)));
    }
}
