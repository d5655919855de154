package io.raftgres.agent;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.raftgres.agent.LocalAgentCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REST API answers early in start-up, with real parts (three agent processes, real
 * PostgreSQL, Ratis on loopback). A replica is stopped and started again, so it sits in its restart
 * quarantine (election_timeout_min before it may rejoin Raft); its REST API answers during that
 * wait as for a starting member: {@code /patroni} state "starting", 503 on every role and health
 * check, 200 on {@code /liveness}, 401 for a write without credentials and 503 with the starting
 * sentence for one with them. Then the same server (same port, never refused in between) serves the
 * member's real state: {@code GET /config} 200 and, once PostgreSQL streams, {@code /replica} 200.
 *
 * <p>The safety assertion is that no starting answer is ever 200 on {@code /primary},
 * {@code /leader} or {@code /read-write}, checked on every sample. Shown to fail on a deliberately
 * broken build: with {@link StartingFacade}'s starting snapshot built with {@code leaderWithLease}
 * true, this test failed with "/primary answered 200 while starting".
 */
@Tag("postgres")
class StartingRestClusterTest {
    private static final String STARTING = "raftgres is starting";
    /** The checks HAProxy routes writes by: never 200 before the member holds the primary role with a lease. */
    private static final List<String> ROLE_PATHS = List.of("/primary", "/leader", "/read-write", "/", "/master");

    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(1)).build();

    @TempDir
    Path dir;

    @Test
    void aRestartedReplicaAnswersStartingDuringItsQuarantineThenItsRealState() throws Exception {
        try (LocalAgentCluster cluster = new LocalAgentCluster(dir)) {
            cluster.runShowingLogs(this::run);
        }
    }

    private void run(LocalAgentCluster cluster) throws Exception {
        cluster.startAllHealthy();
        LocalAgentCluster.Member primary = cluster.primaries().getFirst();
        aDuplicateAgentStopsAtTheRestPortBeforeItsFence(cluster, primary);
        LocalAgentCluster.Member replica = cluster.members().stream().filter(m -> m != primary).findFirst()
                .orElseThrow();
        cluster.stop(replica);
        long logFrom = Files.size(replica.log());
        cluster.start(replica);

        int startingSamples = 0;
        boolean answeredInQuarantine = false;
        boolean answered = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            assertTrue(System.nanoTime() < deadline, "the restarted replica did not serve its state within 60 s");
            boolean quarantineBefore = tail(replica.log(), logFrom).contains("staying out of elections");
            HttpResponse<String> config = get(replica, "/config");
            if (config == null) {
                assertTrue(!answered, "the REST port refused a connection after it had answered");
                Thread.sleep(20);
                continue;
            }
            answered = true;
            if (!config.body().startsWith(STARTING)) {
                break;
            }
            assertEquals(503, config.statusCode(), "GET /config while starting");
            boolean raftStartedAfter = tail(replica.log(), logFrom).contains("Raft node " + replica.name()
                    + " started at");
            String patroni = cluster.body(replica, "/patroni");
            List<Integer> roleAnswers = new ArrayList<>();
            for (String path : ROLE_PATHS) {
                roleAnswers.add(cluster.status(replica, path));
            }
            if (!get(replica, "/config").body().startsWith(STARTING)) {
                break; // the agent came up between the samples: the answers above may be its real ones
            }
            startingSamples++;
            for (int i = 0; i < ROLE_PATHS.size(); i++) {
                assertNotEquals(200, roleAnswers.get(i), ROLE_PATHS.get(i) + " answered 200 while starting");
            }
            assertTrue(patroni.contains("\"state\":\"starting\""), patroni);
            assertTrue(patroni.contains("\"role\":\"stopped\""), patroni);
            if (startingSamples == 1) {
                assertStartingAnswers(cluster, replica);
            }
            answeredInQuarantine |= quarantineBefore && !raftStartedAfter;
        }
        assertTrue(startingSamples > 0, "no answer said the member was starting");
        assertTrue(answeredInQuarantine, "no starting answer came between the quarantine's start and Raft's:\n"
                + tail(replica.log(), logFrom));
        assertEquals(200, get(replica, "/config").statusCode(), "GET /config once the agent is up");
        await(replica.name() + " streaming again", Duration.ofSeconds(60), () -> cluster.isStreaming(replica));
        assertEquals(List.of(primary), cluster.primaries(), "the primary kept its role throughout");
    }

    /**
     * A second agent started on the primary's configuration (a supervisor's mistake) fails on the REST
     * port the running agent holds ({@link PortClaim}), before its start-up fence: the primary's
     * PostgreSQL keeps running (same postmaster) and the member stays primary. Shown to fail with
     * {@code AgentRest.start} moved after the fence in {@code AgentLauncher} (the order before the
     * early REST API): the duplicate stopped the primary's PostgreSQL, which the primary's agent then
     * started again ("the primary's postmaster changed"); since the fence runs first (6 Dec 2026), shown
     * again with the fence moved out of the port claim: the duplicate stopped the primary's PostgreSQL,
     * and no postmaster was left at the check.
     */
    private void aDuplicateAgentStopsAtTheRestPortBeforeItsFence(LocalAgentCluster cluster,
                                                                LocalAgentCluster.Member primary) throws Exception {
        long postmaster = cluster.postmaster(primary).orElseThrow().pid();
        Path log = dir.resolve("duplicate.log");
        Process duplicate = cluster.startDuplicate(primary, log);
        try {
            assertTrue(duplicate.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the duplicate did not exit");
            String out = Files.readString(log);
            assertEquals(1, duplicate.exitValue(), out);
            assertTrue(out.contains("cannot be bound") && out.contains("another agent"), out);
        } finally {
            duplicate.destroyForcibly();
        }
        assertEquals(postmaster, cluster.postmaster(primary).orElseThrow().pid(), "the primary's postmaster changed");
        assertEquals(200, cluster.status(primary, "/primary"), "the primary lost its role");
    }

    /** One round of every starting answer but the role checks the loop samples itself. */
    private static void assertStartingAnswers(LocalAgentCluster cluster, LocalAgentCluster.Member m)
            throws IOException, InterruptedException {
        for (String path : List.of("/replica", "/read-only", "/health", "/readiness", "/sync", "/async")) {
            assertEquals(503, cluster.status(m, path), path + " while starting");
        }
        assertEquals(200, cluster.status(m, "/liveness"), "/liveness while starting");
        assertEquals(401, cluster.write(m, "PATCH", "/config", "{\"loop_wait\": 2}", false).statusCode(),
                "a write without credentials while starting");
        HttpResponse<String> patch = cluster.write(m, "PATCH", "/config", "{\"loop_wait\": 2}", true);
        assertEquals(503, patch.statusCode(), "PATCH /config while starting: " + patch.body());
        assertTrue(patch.body().startsWith(STARTING), patch.body());
        HttpResponse<String> switchover = cluster.write(m, "POST", "/switchover", "{\"leader\": \"n1\"}", true);
        assertEquals(503, switchover.statusCode(), "POST /switchover while starting: " + switchover.body());
    }

    /** A GET with its body, or null when the port refuses the connection (nothing listens yet). */
    private HttpResponse<String> get(LocalAgentCluster.Member m, String path) throws IOException, InterruptedException {
        try {
            return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                    + m.restPort() + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            return null;
        }
    }

    /** What {@code log} gained after {@code from} bytes. */
    private static String tail(Path log, long from) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.max(0, f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
