package io.raftgres.agent;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.raftgres.agent.LocalAgentCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * raftgresctl's member operations against three real agents: {@code restart --pending} after a
 * restart-needing parameter set with {@code edit-config -p} (every member shows {@code *} in
 * list, then none), {@code reload} and {@code reinit} of a replica (it streams again).
 */
@Tag("postgres")
class RaftgresCtlOperationsClusterTest {

    @TempDir
    Path dir;

    @Test
    void restartPendingReloadAndReinitFromTheCli() throws Exception {
        try (LocalAgentCluster cluster = new LocalAgentCluster(dir)) {
            cluster.runShowingLogs(this::run);
        }
    }

    private void run(LocalAgentCluster cluster) throws Exception {
        cluster.startAllHealthy();
        String c = cluster.member("n1").config().toString();

        CtlRun pg = CtlRun.of("-c", c, "edit-config", "-p", "max_connections=40", "--force", "-q");
        assertEquals(0, pg.exit(), pg.toString());
        await("every member to show a pending restart", Duration.ofSeconds(30),
                () -> CtlRun.of("-c", c, "list").out().split("\\| \\*", -1).length == 4);
        CtlRun restart = CtlRun.of("-c", c, "restart", "it", "--pending", "--force");
        assertEquals(0, restart.exit(), restart.toString());
        for (var m : cluster.members()) {
            assertTrue(restart.out().contains("Success: restart on member " + m.name()), restart.toString());
        }
        await("no member to show a pending restart", Duration.ofSeconds(60),
                () -> !CtlRun.of("-c", c, "list").out().contains("Pending restart"));
        CtlRun nothingPending = CtlRun.of("-c", c, "restart", "it", "n1", "--pending", "--force");
        assertEquals(1, nothingPending.exit(), nothingPending.toString());
        assertTrue(nothingPending.out().contains("Failed: restart for member n1, status code=503"),
                nothingPending.toString());

        CtlRun reload = CtlRun.of("-c", c, "reload", "it", "--force");
        assertEquals(0, reload.exit(), reload.toString());
        assertFalse(reload.out().contains("Failed"), reload.toString());

        await("a healthy cluster before the reinit", Duration.ofSeconds(60), cluster::healthy);
        var replica = cluster.members().stream().filter(m -> !cluster.primaries().contains(m)).findFirst()
                .orElseThrow();
        CtlRun reinit = CtlRun.of("-c", c, "reinit", "it", replica.name(), "--force");
        assertEquals(0, reinit.exit(), reinit.toString());
        assertTrue(reinit.out().contains("Success: reinitialize for member " + replica.name()), reinit.toString());
        await(replica.name() + " to stream again after the reinit", Duration.ofSeconds(90), cluster::healthy);
    }
}
