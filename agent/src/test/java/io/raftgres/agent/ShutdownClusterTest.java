package io.raftgres.agent;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stopping agent never starts PostgreSQL again (three real agents, real PostgreSQL and Ratis).
 *
 * <p>The race it pins: an HA cycle in flight when SIGTERM arrives probes PostgreSQL while the
 * shutdown stops it, sees it down and decides to start it. To hold a cycle in flight for certain, the
 * test freezes a replica's postmaster (SIGSTOP): the cycle's probe then waits for it. SIGTERM reaches
 * the agent during that wait; 3 s later the postmaster gets an operator's fast stop (SIGINT) and is
 * thawed, so the cycle decides with PostgreSQL seen down while the shutdown is under way. Afterwards
 * the member's log, from the shutdown's first line on, holds no ERROR line and no start of PostgreSQL
 * (neither finished nor failed), the refusal is logged at INFO, and no postmaster is left running
 * on the member's data directory.
 *
 * <p>Shown to fail on the old shutdown order (commit 870a08b: the loop was stopped without waiting
 * for its cycle in flight, and the executor did not refuse actions): the cycle's start of PostgreSQL
 * met the already shut-down PostgreSQL thread, and the log held
 * {@code ERROR ... unexpected error in the HA cycle, will try again: java.util.concurrent.RejectedExecutionException}.
 */
@Tag("postgres")
class ShutdownClusterTest {
    /** The first line of the agent's shutdown (Agent.close). */
    private static final String SHUTDOWN_BEGINS = "shutting down: stopping the HA loop";

    @TempDir
    Path dir;

    @Test
    void aStoppingAgentStartsNoPostgresqlAndLogsNoError() throws Exception {
        try (LocalAgentCluster cluster = new LocalAgentCluster(dir)) {
            cluster.runShowingLogs(this::run);
        }
    }

    private void run(LocalAgentCluster cluster) throws Exception {
        cluster.startAllHealthy();
        LocalAgentCluster.Member replica = cluster.members().stream().filter(cluster::isStreaming).findFirst()
                .orElseThrow();
        long postmaster = cluster.postmaster(replica).orElseThrow().pid();
        ProcessHandle agent = cluster.agent(replica).orElseThrow();
        signal(postmaster, "STOP");
        try {
            // loop_wait is 1 s: by now a cycle began and its probe waits for the frozen postmaster.
            Thread.sleep(1_500);
            agent.destroy();
            Thread.sleep(3_000);
            // An operator's fast stop races the agent's shutdown: the thawed postmaster shuts down at once,
            // and the cycle in flight sees PostgreSQL down (refused connection or login timeout).
            signal(postmaster, "INT");
        } finally {
            signal(postmaster, "CONT");
        }
        cluster.stop(replica);
        assertFalse(agent.isAlive(), "the agent exited");

        List<String> shutdown = linesFrom(replica.log(), SHUTDOWN_BEGINS);
        assertFalse(shutdown.isEmpty(), "the agent logged its shutdown");
        shutdown.forEach(System.out::println);
        List<String> errors = shutdown.stream().filter(l -> l.contains(" ERROR ") || l.contains("Exception")).toList();
        assertEquals(List.of(), errors.subList(0, Math.min(2, errors.size())),
                "no ERROR line and no exception once the shutdown began");
        List<String> starts = shutdown.stream()
                .filter(l -> l.contains("starting finished") || l.contains("starting failed")).toList();
        assertEquals(List.of(), starts, "no start of PostgreSQL once the shutdown began");
        assertTrue(shutdown.stream().anyMatch(l -> l.contains("INFO  [" + replica.name())
                        && l.contains("shutting down: not starting PostgreSQL")),
                "the cycle in flight decided a start and the executor refused it at INFO");
        assertTrue(cluster.postmaster(replica).isEmpty(), "no PostgreSQL left running after the agent exited");
    }

    /** The lines of {@code log} from the first that contains {@code first} on. */
    private static List<String> linesFrom(Path log, String first) throws IOException {
        List<String> lines = Files.readAllLines(log);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(first)) {
                return lines.subList(i, lines.size());
            }
        }
        return List.of();
    }

    private static void signal(long pid, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + pid + " failed");
        }
    }
}
