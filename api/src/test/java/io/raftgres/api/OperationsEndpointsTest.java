package io.raftgres.api;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.ScheduledRestart;
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
        facade.restartSchedules().clear();
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
        int before = facade.restartCancels();
        HttpResponse<String> r = client.send("DELETE", "/restart", AUTH, null);
        assertEquals(404, r.statusCode());
        assertEquals("no restarts are scheduled", r.body());
        assertEquals(before, facade.restartCancels(), "nothing to cancel reaches the agent");
    }

    @Test
    void aScheduledRestartIsHandedToTheAgentWithItsConditions() {
        HttpResponse<String> r = post("/restart", "{\"schedule\": \"2099-01-01T10:00:00+02:00\", \"role\": \"replica\","
                + " \"restart_pending\": true, \"postgres_version\": \"16.2\", \"timeout\": 30}");
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("Restart scheduled", r.body());
        ScheduledRestart sent = facade.restartSchedules().getFirst();
        assertEquals(java.time.Instant.parse("2099-01-01T08:00:00Z").toEpochMilli(), sent.scheduleMillis());
        assertEquals(PgRole.REPLICA, sent.role());
        assertTrue(sent.restartPending());
        assertEquals(160002, sent.postgresVersion());
        assertEquals(30, sent.timeoutSeconds());
        assertEquals(List.of(), facade.operations(), "nothing restarts now (the conditions are checked when due)");
    }

    /** Patroni's codes for a refused schedule; none reaches the agent. */
    @Test
    void badSchedulesAreRefusedAndChangeNothing() {
        assertScheduleRefused(400, "Timezone information is mandatory for the scheduled restart",
                "{\"schedule\": \"2099-01-01T10:00:00\"}");
        assertScheduleRefused(422, "Unable to parse scheduled timestamp", "{\"schedule\": \"tomorrow\"}");
        assertScheduleRefused(400, "schedule: must be a text", "{\"schedule\": 17}");
        assertScheduleRefused(422, "Can't schedule restart in the past", "{\"schedule\": \"2001-01-01T10:00:00Z\"}");
        assertScheduleRefused(400, "role: must be primary", "{\"schedule\": \"2099-01-01T10:00:00Z\", \"role\": \"x\"}");
        String ok = "{\"schedule\": \"2099-01-01T10:00:00Z\"}";
        facade.set(Snapshots.primary().cluster(Snapshots.initializedCluster()
                .withFeatureLevel(FeatureLevel.SYNC_REPLICATION)).build());
        assertScheduleRefused(503, "scheduled restarts need feature level 6, the cluster runs 5", ok);
        facade.set(Snapshots.primary().paused(true).build());
        assertScheduleRefused(500, "Can't schedule restart in the paused state", ok);
        facade.set(Snapshots.primary().cluster(Snapshots.initializedCluster().withScheduledRestart("n1", AT)).build());
        assertScheduleRefused(409, "Another restart is already scheduled", ok);
    }

    private static void assertScheduleRefused(int status, String mentions, String body) {
        assertRefused(status, mentions, "/restart", body);
        assertEquals(List.of(), facade.restartSchedules(), "a refused schedule reached the agent");
    }

    private static final ScheduledRestart AT = new ScheduledRestart(
            java.time.Instant.parse("2099-01-01T08:00:00Z").toEpochMilli(), true, PgRole.REPLICA, 160002, 30, 1);

    @Test
    void aScheduledRestartIsShownAndDeleted() {
        facade.set(Snapshots.primary().cluster(Snapshots.initializedCluster().withScheduledRestart("n1", AT)).build());
        String patroni = client.send("GET", "/patroni").body();
        assertTrue(patroni.contains("\"scheduled_restart\":{\"schedule\":\"2099-01-01T08:00:00"), patroni);
        assertTrue(patroni.contains("\"role\":\"replica\"") && patroni.contains("\"postgres_version\":160002"), patroni);
        String cluster = client.send("GET", "/cluster").body();
        assertTrue(cluster.contains("\"scheduled_restart\":{\"schedule\":\"2099-01-01T08:00:00"), cluster);
        int before = facade.restartCancels();
        HttpResponse<String> r = client.send("DELETE", "/restart", AUTH, null);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("scheduled restart deleted", r.body());
        assertEquals(before + 1, facade.restartCancels());
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
