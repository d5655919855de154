package io.raftgres.api;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.OperatorRequest.Kind;
import io.raftgres.core.model.PendingChange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@code POST /restart}, {@code DELETE /restart} and {@code POST /reinitialize}
 * through a real server: Patroni's codes and texts, and that no refused request reaches the
 * agent (the fake counts every operation it is handed).
 */
class OperationsEndpointsTest {

    private static final String PASSWORD = "op-Pa55word-never-shown";
    private static final Map<String, String> AUTH = Map.of("Authorization",
            "Basic " + Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));

    private static FakeAgentFacade facade;
    private static RestServer server;
    private static ApiClient client;

    @BeforeAll
    static void startServer() {
        facade = new FakeAgentFacade(Snapshots.primary().build());
        server = RestServer.start("127.0.0.1", 0, facade, WriteAuthentication.basic("admin", PASSWORD));
        client = new ApiClient(server.port());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void reset() {
        facade.set(Snapshots.primary().build());
        facade.operations().clear();
        facade.inProgress(null);
        facade.operationOutcome(new OperationResult(true, "restarted successfully"));
    }

    private static HttpResponse<String> post(String path, String body) {
        return client.send("POST", path, AUTH, body);
    }

    private static void assertRefused(int status, String mentions, String path, String body) {
        HttpResponse<String> r = post(path, body);
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().contains(mentions), "expected '" + mentions + "' in: " + r.body());
        assertEquals(List.of(), facade.operations(), "a refused request reached the agent");
    }

    @Test
    void restartWithAnEmptyOrMatchingBodyRestarts() {
        HttpResponse<String> r = post("/restart", "");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("restarted successfully", r.body());
        assertEquals(200, post("/restart", "{\"role\": \"primary\", \"postgres_version\": \"16.1\", \"timeout\": 30}")
                .statusCode());
        assertEquals(List.of(Kind.RESTART, Kind.RESTART), facade.operations());
    }

    @Test
    void badRestartBodiesAre400AndNameTheKey() {
        assertRefused(400, "body: not valid JSON", "/restart", "{nope");
        assertRefused(400, "body: must be a JSON object", "/restart", "[1]");
        assertRefused(400, "rolee: unknown key", "/restart", "{\"rolee\": \"primary\"}");
        assertRefused(400, "role: must be primary", "/restart", "{\"role\": \"leader\"}");
        assertRefused(400, "postgres_version", "/restart", "{\"postgres_version\": \"fifteen\"}");
        assertRefused(400, "timeout", "/restart", "{\"timeout\": -3}");
        assertRefused(400, "restart_pending: must be true or false", "/restart", "{\"restart_pending\": \"yes\"}");
        assertRefused(400, "schedule: scheduled restarts are not supported", "/restart",
                "{\"schedule\": \"2030-01-01T00:00:00+00:00\"}");
    }

    @Test
    void unmetRestartConditionsAre503() {
        assertRefused(503, "restart conditions are not satisfied: this member is a primary, not a replica",
                "/restart", "{\"role\": \"replica\"}");
        assertRefused(503, "no parameter is pending a restart", "/restart", "{\"restart_pending\": true}");
        assertRefused(503, "is not older than 140000", "/restart", "{\"postgres_version\": \"14\"}");
        facade.set(Snapshots.uninitialized().build());
        assertRefused(503, "not initialized", "/restart", "");
    }

    @Test
    void restartPendingRestartsOnlyAMemberThatNeedsIt() {
        ClusterState c = Snapshots.initializedCluster();
        c = c.withMember(c.members().get("n1").withPendingRestart(Map.of("max_connections",
                new PendingChange("100", "200"))));
        facade.set(Snapshots.primary().cluster(c).build());
        assertEquals(200, post("/restart", "{\"restart_pending\": true}").statusCode());
        assertEquals(List.of(Kind.RESTART), facade.operations());
        assertTrue(client.send("GET", "/metrics").body().contains("patroni_pending_restart{"), "metric present");
        assertTrue(client.send("GET", "/metrics").body().lines()
                .anyMatch(l -> l.startsWith("patroni_pending_restart{") && l.endsWith(" 1.0")), "metric is 1");
    }

    @Test
    void aFailedOrBusyOperationIs503() {
        facade.operationOutcome(new OperationResult(false, "restart failed: pg_ctl exited 1"));
        HttpResponse<String> failed = post("/restart", "");
        assertEquals(503, failed.statusCode());
        assertEquals("restart failed: pg_ctl exited 1", failed.body());
        facade.operations().clear();
        facade.inProgress("reinitialize");
        assertRefused(503, "reinitialize already in progress", "/restart", "");
    }

    @Test
    void deleteRestartSaysNothingIsScheduled() {
        HttpResponse<String> r = client.send("DELETE", "/restart", AUTH, null);
        assertEquals(404, r.statusCode());
        assertEquals("no restarts are scheduled", r.body());
    }

    @Test
    void writesNeedAuthentication() {
        assertEquals(401, client.send("POST", "/restart", Map.of(), "").statusCode());
        assertEquals(401, client.send("POST", "/reinitialize", Map.of(), "").statusCode());
        assertEquals(List.of(), facade.operations());
    }

    @Test
    void reinitializeRunsOnAReplicaOnly() {
        assertRefused(503, "I am the leader, can not reinitialize", "/reinitialize", "");
        facade.set(Snapshots.replica().cluster(Snapshots.initializedCluster().withLeader(null)).build());
        assertRefused(503, "Cluster has no leader, can not reinitialize", "/reinitialize", "");
        facade.set(Snapshots.replica().build());
        assertRefused(400, "force: must be true or false", "/reinitialize", "{\"force\": 1}");
        assertRefused(400, "from: unknown key", "/reinitialize", "{\"from\": 1}");
        facade.operationOutcome(new OperationResult(true, "reinitialized successfully"));
        HttpResponse<String> ok = post("/reinitialize", "{\"force\": true}");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(List.of(Kind.REINITIALIZE), facade.operations());
    }

    @Test
    void reloadAnswersAsPatroni() {
        HttpResponse<String> none = post("/reload", "");
        assertEquals(200, none.statusCode());
        assertEquals("nothing changed", none.body());
        facade.reloadResult(ReloadResult.of(List.of("log.level"), List.of("raft.election_timeout_max")));
        HttpResponse<String> changed = post("/reload", "");
        assertEquals(202, changed.statusCode());
        assertEquals("applied: log.level; needs an agent restart to take effect: raft.election_timeout_max",
                changed.body());
        facade.reloadResult(ReloadResult.invalid("/etc/raftgres.yml does not load, nothing changed:\nlog.level: bad"));
        HttpResponse<String> bad = post("/reload", "");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("log.level: bad"), bad.body());
        assertEquals(401, client.send("POST", "/reload", Map.of(), "").statusCode());
    }
}
