package io.raftgres.api;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.Switchover;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@code POST /switchover}, {@code DELETE /switchover} and {@code POST /failover}
 * through a real server with basic authentication: every status code, and after every refusal no
 * request reached the agent and its state is what it was. The cluster of {@link Snapshots}: n1
 * primary, n2 a healthy replica, n3 stopped and tagged nofailover.
 *
 * <p>Shown to fail: with the candidate check in SwitchoverValidation removed, the 412 test gets 200.
 */
class SwitchoverEndpointsTest {

    private static final String PASSWORD = "s3cret-Pa55word-never-shown";
    private static final Map<String, String> AUTH = Map.of("Authorization",
            "Basic " + Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));

    /** Records what reached the agent; answers what the test set. */
    static final class Agent implements AgentFacade {
        volatile StatusSnapshot snapshot = Snapshots.primary().build();
        final List<Object> calls = new ArrayList<>();
        volatile SwitchoverOutcome answer = SwitchoverOutcome.done("Successfully switched over to \"n2\"");

        @Override
        public StatusSnapshot snapshot() {
            return snapshot;
        }

        @Override
        public CompletableFuture<ConfigWrite> writeConfig(io.raftgres.core.model.DynamicConfig next, long expected) {
            throw new AssertionError("no config write expected");
        }

        @Override
        public synchronized CompletableFuture<SwitchoverOutcome> switchover(SwitchoverCall call) {
            calls.add(call);
            return CompletableFuture.completedFuture(answer);
        }

        @Override
        public synchronized CompletableFuture<SwitchoverOutcome> cancelSwitchover() {
            calls.add("cancel");
            return CompletableFuture.completedFuture(SwitchoverOutcome.done("scheduled switchover deleted"));
        }
    }

    private static Agent agent;
    private static RestServer server;
    private static ApiClient client;

    @BeforeAll
    static void startServer() {
        agent = new Agent();
        server = RestServer.start("127.0.0.1", 0, agent, WriteAuthentication.basic("admin", PASSWORD));
        client = new ApiClient(server.port());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void reset() {
        agent.snapshot = Snapshots.primary().build();
        agent.calls.clear();
        agent.answer = SwitchoverOutcome.done("Successfully switched over to \"n2\"");
    }

    private static void withCluster(ClusterState state) {
        agent.snapshot = Snapshots.primary().cluster(state).build();
    }

    private static void refused(int status, String mentions, String method, String path, String body) {
        refused(status, mentions, method, path, AUTH, body);
    }

    private static void refused(int status, String mentions, String method, String path, Map<String, String> headers,
                                String body) {
        StatusSnapshot before = agent.snapshot;
        HttpResponse<String> r = client.send(method, path, headers, body);
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().contains(mentions), "expected '" + mentions + "' in: " + r.body());
        assertFalse(r.body().contains(PASSWORD), r.body());
        assertEquals(List.of(), agent.calls, "a refused request reached the agent");
        assertEquals(before, agent.snapshot);
    }

    private static String future(long seconds) {
        return OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(seconds).toString();
    }

    @Test
    void switchoverNowWaitsForTheAgentsOutcome() {
        HttpResponse<String> r = client.send("POST", "/switchover", AUTH, "{\"leader\": \"n1\", \"candidate\": \"n2\"}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("Successfully switched over to \"n2\"", r.body());
        assertEquals(List.of(new SwitchoverCall("n1", "n2", 0)), agent.calls);
        agent.calls.clear();
        agent.answer = SwitchoverOutcome.failed("Switchover failed: n2 did not take over within 10 s");
        r = client.send("POST", "/switchover", AUTH, "{\"leader\": \"n1\", \"member\": \"n2\"}");
        assertEquals(503, r.statusCode());
        assertEquals("Switchover failed: n2 did not take over within 10 s", r.body());
        assertEquals(List.of(new SwitchoverCall("n1", "n2", 0)), agent.calls, "member is candidate's alias");
    }

    @Test
    void withoutCandidateTheBestIsLeftToTheDecider() {
        assertEquals(200, client.send("POST", "/switchover", AUTH, "{\"leader\": \"n1\"}").statusCode());
        assertEquals(List.of(new SwitchoverCall("n1", null, 0)), agent.calls);
    }

    @Test
    void scheduledSwitchoverIsHandedOnWithItsTime() {
        String at = "2099-01-02T03:04:05+02:00";
        agent.answer = SwitchoverOutcome.scheduled("Switchover scheduled at 2099-01-02T01:04:05Z");
        HttpResponse<String> r = client.send("POST", "/switchover", AUTH,
                "{\"leader\": \"n1\", \"scheduled_at\": \"" + at + "\"}");
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(List.of(new SwitchoverCall("n1", null, OffsetDateTime.parse(at).toInstant().toEpochMilli())),
                agent.calls);
    }

    @Test
    void badBodiesGet400() {
        refused(401, "authentication required", "POST", "/switchover", Map.of(), "{\"leader\": \"n1\"}");
        refused(400, "empty", "POST", "/switchover", "");
        refused(400, "not valid JSON", "POST", "/switchover", "{leader");
        refused(400, "must be a JSON object", "POST", "/switchover", "[\"n1\"]");
        refused(400, "unknown key 'leeder'", "POST", "/switchover", "{\"leeder\": \"n1\"}");
        refused(400, "leader: must be a non-empty string", "POST", "/switchover", "{\"leader\": 1}");
        refused(400, "candidate and member", "POST", "/switchover",
                "{\"leader\": \"n1\", \"candidate\": \"n2\", \"member\": \"n3\"}");
    }

    @Test
    void wrongNamesGet400() {
        refused(400, "only from a specific leader", "POST", "/switchover", "{\"candidate\": \"n2\"}");
        refused(400, "n1 is the leader, not n2", "POST", "/switchover", "{\"leader\": \"n2\"}");
        refused(400, "candidate n9 does not exist", "POST", "/switchover", "{\"leader\": \"n1\", \"candidate\": \"n9\"}");
        refused(400, "target and source are the same", "POST", "/switchover",
                "{\"leader\": \"n1\", \"candidate\": \"n1\"}");
    }

    @Test
    void timesNeedAZoneAndAFuture() {
        refused(400, "not an ISO 8601 time with a zone", "POST", "/switchover",
                "{\"leader\": \"n1\", \"scheduled_at\": \"2099-01-02T03:04:05\"}");
        refused(400, "not an ISO 8601 time with a zone", "POST", "/switchover",
                "{\"leader\": \"n1\", \"scheduled_at\": \"tomorrow\"}");
        refused(422, "is in the past", "POST", "/switchover",
                "{\"leader\": \"n1\", \"scheduled_at\": \"" + future(-60) + "\"}");
    }

    @Test
    void unhealthyCandidatesGet412() {
        refused(412, "n3 is tagged nofailover", "POST", "/switchover", "{\"leader\": \"n1\", \"candidate\": \"n3\"}");
        withCluster(Snapshots.initializedCluster().withMember(Snapshots.record("n2", PgRole.REPLICA, "running",
                new Lsn(Snapshots.PRIMARY_LSN.value() - 2_000_000), Lsn.ZERO, true, MemberTags.DEFAULT)));
        refused(412, "maximum_lag_on_failover", "POST", "/switchover", "{\"leader\": \"n1\", \"candidate\": \"n2\"}");
        refused(412, "no good candidates", "POST", "/switchover", "{\"leader\": \"n1\"}");
        agent.snapshot = Snapshots.primary().build();
        agent.snapshot = new StatusSnapshot(agent.snapshot.scope(), agent.snapshot.memberName(), agent.snapshot.version(),
                agent.snapshot.local(), agent.snapshot.raft(), agent.snapshot.cluster(), true, "running", List.of(),
                agent.snapshot.tags(), false, null, 0, 0, false, "http://127.0.0.1:8008", "127.0.0.1", 5433,
                java.util.Set.of("n2"));
        refused(412, "n2 has not reported within the member TTL", "POST", "/switchover",
                "{\"leader\": \"n1\", \"candidate\": \"n2\"}");
    }

    @Test
    void clusterStatesThatForbidIt() {
        agent.snapshot = Snapshots.primary().paused(true).build();
        refused(400, "paused", "POST", "/switchover", "{\"leader\": \"n1\"}");
        withCluster(Snapshots.initializedCluster().withFeatureLevel(FeatureLevel.DYNAMIC_CONFIG));
        refused(503, "switchover needs 4", "POST", "/switchover", "{\"leader\": \"n1\"}");
        withCluster(Snapshots.initializedCluster().withSwitchover(Switchover.requested("n1", null, 4_000_000_000_000L, 1)));
        refused(409, "already scheduled", "POST", "/switchover", "{\"leader\": \"n1\", \"candidate\": \"n2\"}");
        refused(409, "already scheduled", "POST", "/failover", "{\"candidate\": \"n2\"}");
        withCluster(ClusterState.empty("demo"));
        refused(503, "not initialized", "POST", "/switchover", "{\"leader\": \"n1\"}");
    }

    @Test
    void failoverNeedsACandidateAndActsAsSwitchoverWithAHealthyPrimary() {
        refused(400, "only to a specific candidate", "POST", "/failover", "{}");
        refused(400, "can't be scheduled", "POST", "/failover",
                "{\"candidate\": \"n2\", \"scheduled_at\": \"" + future(60) + "\"}");
        refused(400, "candidate n9 does not exist", "POST", "/failover", "{\"candidate\": \"n9\"}");
        assertEquals(200, client.send("POST", "/failover", AUTH, "{\"candidate\": \"n2\"}").statusCode());
        assertEquals(List.of(new SwitchoverCall("n1", "n2", 0)), agent.calls);
    }

    @Test
    void failoverWithoutAHealthyPrimaryNamesNoLeader() {
        withCluster(Snapshots.initializedCluster().withMember(Snapshots.record("n1", PgRole.STOPPED, "stopped",
                Snapshots.PRIMARY_LSN, Snapshots.PRIMARY_LSN, false, MemberTags.DEFAULT)));
        refused(412, "n3 is tagged nofailover", "POST", "/failover", "{\"candidate\": \"n3\"}");
        agent.answer = SwitchoverOutcome.done("Successfully failed over to \"n2\"");
        HttpResponse<String> r = client.send("POST", "/failover", AUTH, "{\"candidate\": \"n2\"}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of(new SwitchoverCall(null, "n2", 0)), agent.calls);
    }

    @Test
    void deleteRemovesOnlyAScheduledSwitchover() {
        refused(404, "no switchover is scheduled", "DELETE", "/switchover", "");
        withCluster(Snapshots.initializedCluster().withSwitchover(Switchover.requested("n1", null, 0, 1)));
        refused(404, "no switchover is scheduled", "DELETE", "/switchover", "");
        refused(401, "authentication required", "DELETE", "/switchover", Map.of(), "");
        withCluster(Snapshots.initializedCluster().withSwitchover(Switchover.requested("n1", "n2", 4_000_000_000_000L, 1)));
        HttpResponse<String> r = client.send("DELETE", "/switchover", AUTH, "");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of("cancel"), agent.calls);
    }

    @Test
    void clusterShowsTheScheduledSwitchoverAsPatroni() {
        withCluster(Snapshots.initializedCluster().withSwitchover(Switchover.requested("n1", "n2", 4_102_444_800_000L, 1)));
        String body = client.send("GET", "/cluster", Map.of(), null).body();
        assertTrue(body.contains("\"scheduled_switchover\":{\"at\":\"2100-01-01T00:00:00.000000+00:00\",\"from\":\"n1\","
                + "\"to\":\"n2\"}"), body);
    }
}
