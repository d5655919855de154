package io.raftgres.api;

import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.FeatureLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@code PATCH /config} and {@code PUT /config} through a real server with
 * basic authentication: every status code, and that after every refusal the configuration and
 * its version are exactly what they were and no write reached the agent.
 */
class ConfigEndpointsTest {

    private static final String PASSWORD = "s3cret-Pa55word-never-shown";
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
    }

    private static HttpResponse<String> patch(String body) {
        return client.send("PATCH", "/config", AUTH, body);
    }

    private static DynamicConfig config() {
        return facade.snapshot().cluster().config();
    }

    /** Sends a refused request and checks the status, a word of the message, and that nothing changed. */
    private static void assertRefused(int status, String mentions, String method, Map<String, String> headers,
                                      String body) {
        DynamicConfig before = config();
        int writesBefore = facade.writes();
        HttpResponse<String> r = client.send(method, "/config", headers, body);
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().contains(mentions), "expected '" + mentions + "' in: " + r.body());
        assertFalse(r.body().contains(PASSWORD), r.body());
        assertEquals(before, config(), "the configuration changed after a refused " + method);
        assertEquals(writesBefore, facade.writes(), "a refused " + method + " reached the agent");
    }

    @Test
    void patchMergesRecursivelyAndNullDeletes() {
        HttpResponse<String> r = patch("{\"loop_wait\": 2, \"postgresql\": {\"parameters\": "
                + "{\"work_mem\": \"8MB\", \"max_connections\": null, \"hot_standby_feedback\": true}}}");
        assertEquals(200, r.statusCode(), r.body());
        DynamicConfig c = config();
        assertEquals(4, c.version());
        assertEquals(2000, c.loopWaitMillis());
        assertEquals(Map.of("work_mem", "8MB", "wal_level", "replica", "hot_standby_feedback", "on"), c.parameters());
        assertEquals(300_000, c.primaryStartTimeoutMillis(), "untouched keys keep their value");
        assertEquals("\"4\"", r.headers().firstValue("ETag").orElseThrow());
        JsonNode body = ApiClient.parse(r.body());
        assertEquals("8MB", body.get("postgresql").get("parameters").get("work_mem").asString());
    }

    @Test
    void putReplacesTheWholeDocument() {
        HttpResponse<String> r = client.send("PUT", "/config", AUTH,
                "{\"maximum_lag_on_failover\": 2048, \"postgresql\": {\"parameters\": {\"work_mem\": 4096}}}");
        assertEquals(200, r.statusCode(), r.body());
        DynamicConfig c = config();
        assertEquals(Map.of("work_mem", "4096"), c.parameters());
        assertEquals(2048, c.maximumLagOnFailover());
        assertEquals(DynamicConfig.DEFAULT.loopWaitMillis(), c.loopWaitMillis(), "absent keys take their default");
    }

    @Test
    void pauseAndResumeAreConfigKeysShownInConfigClusterAndPatroni() {
        assertEquals(200, patch("{\"pause\": true}").statusCode());
        assertTrue(config().pause());
        assertTrue(client.json("/config").get("pause").asBoolean());
        assertTrue(client.json("/cluster").get("pause").asBoolean());
        assertTrue(client.json("/patroni").get("pause").asBoolean());
        assertEquals(200, patch("{\"pause\": false}").statusCode());
        assertFalse(config().pause());
        assertFalse(client.json("/cluster").has("pause"));
    }

    @Test
    void ifMatchIsCompareAndSet() {
        String etag = client.send("GET", "/config").headers().firstValue("ETag").orElseThrow();
        assertEquals("\"3\"", etag);
        assertRefused(409, "version is 3", "PATCH", Map.of("Authorization", AUTH.get("Authorization"),
                "If-Match", "\"2\""), "{\"loop_wait\": 5}");
        assertRefused(400, "If-Match", "PATCH", Map.of("Authorization", AUTH.get("Authorization"),
                "If-Match", "\"abc\""), "{\"loop_wait\": 5}");
        HttpResponse<String> ok = client.send("PATCH", "/config",
                Map.of("Authorization", AUTH.get("Authorization"), "If-Match", etag), "{\"loop_wait\": 5}");
        assertEquals(200, ok.statusCode(), ok.body());
        assertRefused(409, "version is 4", "PUT", Map.of("Authorization", AUTH.get("Authorization"),
                "If-Match", etag), "{\"loop_wait\": 6}");
    }

    /** The version moved between the API's read and the commit (a concurrent PATCH): 409 from Raft. */
    @Test
    void concurrentChangeCommittedFirstGives409() {
        facade.failNextWrite(ConfigWrite.conflict("config version is 4, not 3"));
        HttpResponse<String> r = patch("{\"loop_wait\": 5}");
        assertEquals(409, r.statusCode(), r.body());
        assertEquals(3, config().version());
    }

    @Test
    void noRaftLeaderGives503() {
        facade.failNextWrite(ConfigWrite.unavailable("no Raft leader answered within 5 s"));
        HttpResponse<String> r = patch("{\"loop_wait\": 5}");
        assertEquals(503, r.statusCode(), r.body());
        assertEquals(3, config().version());
    }

    @Test
    void badValuesAndKeysGive400NamingTheKey() {
        assertRefused(400, "loop_wait", "PATCH", AUTH, "{\"loop_wait\": \"soon\"}");
        assertRefused(400, "loop_wait", "PATCH", AUTH, "{\"loop_wait\": 0}");
        assertRefused(400, "maximum_lag_on_failover", "PATCH", AUTH, "{\"maximum_lag_on_failover\": -1}");
        assertRefused(400, "pause", "PATCH", AUTH, "{\"pause\": \"yes\"}");
        assertRefused(400, "postgresql.use_slots", "PATCH", AUTH, "{\"postgresql\": {\"use_slots\": 1}}");
        assertRefused(400, "postgresql.parameters.work_mem", "PATCH", AUTH,
                "{\"postgresql\": {\"parameters\": {\"work_mem\": [1]}}}");
        assertRefused(400, "line breaks", "PATCH", AUTH,
                "{\"postgresql\": {\"parameters\": {\"work_mem\": \"1MB\\nfsync = off\"}}}");
        assertRefused(400, "parameter name", "PATCH", AUTH,
                "{\"postgresql\": {\"parameters\": {\"bad name\": 1}}}");
        assertRefused(400, "synchronous_mode: must be off, on or quorum", "PATCH", AUTH,
                "{\"synchronous_mode\": \"sometimes\"}");
        assertRefused(400, "synchronous_mode_strict: must be true or false", "PATCH", AUTH,
                "{\"synchronous_mode_strict\": \"yes\"}");
        assertRefused(400, "synchronous_node_count: must be a whole number between 1 and 32", "PATCH", AUTH,
                "{\"synchronous_node_count\": 0}");
        assertRefused(400, "synchronous_node_count", "PATCH", AUTH, "{\"synchronous_node_count\": 1.5}");
        assertRefused(400, "ttl: has no meaning", "PATCH", AUTH, "{\"ttl\": 30}");
        assertRefused(400, "retry_timeout: has no meaning", "PUT", AUTH, "{\"retry_timeout\": 10}");
        assertRefused(400, "Raft timing", "PATCH", AUTH, "{\"election_timeout_min\": 5}");
        assertRefused(400, "postgresql: must be an object", "PATCH", AUTH, "{\"postgresql\": 3}");
    }

    @Test
    void malformedEmptyAndOversizedBodies() {
        assertRefused(400, "not valid JSON", "PATCH", AUTH, "{\"loop_wait\": ");
        assertRefused(400, "JSON object", "PATCH", AUTH, "[1, 2]");
        assertRefused(400, "empty", "PUT", AUTH, "");
        String huge = "{\"postgresql\": {\"parameters\": {\"application_name\": \"" + "x".repeat(70 * 1024) + "\"}}}";
        DynamicConfig before = config();
        HttpResponse<String> r = client.send("PATCH", "/config", AUTH, huge);
        assertEquals(413, r.statusCode());
        assertEquals(before, config());
    }

    @Test
    void writesWithoutOrWithWrongCredentialsGet401WithAChallenge() {
        for (Map<String, String> headers : new Map[]{Map.of(),
                Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:wrong".getBytes())),
                Map.of("Authorization", "Basic !!!not-base64"), Map.of("Authorization", "Bearer abc")}) {
            assertRefused(401, "authentication required", "PATCH", headers, "{\"pause\": true}");
            HttpResponse<String> r = client.send("PUT", "/config", headers, "{}");
            assertEquals(401, r.statusCode());
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="));
        }
        assertEquals(401, client.send("POST", "/switchover", Map.of(), "{}").statusCode(),
                "every write method is guarded, also on paths that do not exist yet");
        assertEquals(401, client.send("DELETE", "/switchover", Map.of()).statusCode());
        assertEquals(200, client.status("GET", "/config"), "reads stay open");
        assertEquals(200, client.status("GET", "/primary"), "health checks stay open");
    }

    @Test
    void optionsOnConfigNamesTheWriteMethods() {
        HttpResponse<String> r = client.send("OPTIONS", "/config");
        assertEquals(405, r.statusCode());
        assertEquals("GET, HEAD, PATCH, PUT", r.headers().firstValue("Allow").orElseThrow());
    }

    /** A cluster below feature level 3 may hold members that would ignore pause: refused. */
    @Test
    void pauseBeforeFeatureLevel3Gives409() {
        StatusSnapshot s = Snapshots.primary().build();
        facade.set(Snapshots.primary().cluster(s.cluster().withFeatureLevel(FeatureLevel.STRICT_APPLY)).build());
        assertRefused(409, "feature level 2", "PATCH", AUTH, "{\"pause\": true}");
        assertEquals(200, patch("{\"loop_wait\": 3}").statusCode(), "other keys are accepted at level 2");
    }

    /** Below feature level 5 members may not know the synchronous keys: only off is accepted. */
    @Test
    void synchronousModeBeforeFeatureLevel5Gives409() {
        StatusSnapshot s = Snapshots.primary().build();
        facade.set(Snapshots.primary().cluster(s.cluster().withFeatureLevel(FeatureLevel.DYNAMIC_CONFIG)).build());
        assertRefused(409, "feature level 3", "PATCH", AUTH, "{\"synchronous_mode\": \"quorum\"}");
        assertEquals(200, patch("{\"synchronous_mode\": \"off\"}").statusCode());
    }

    @Test
    void synchronousKeysArePatchedAndShown() {
        StatusSnapshot s = Snapshots.primary().build();
        facade.set(Snapshots.primary().cluster(s.cluster().withFeatureLevel(FeatureLevel.SYNC_REPLICATION)).build());
        HttpResponse<String> r = patch("{\"synchronous_mode\": \"quorum\", \"synchronous_mode_strict\": true,"
                + " \"synchronous_node_count\": 2}");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"synchronous_mode\":\"quorum\",\"synchronous_mode_strict\":true,"
                + "\"synchronous_node_count\":2"), r.body());
    }

    @Test
    void uninitializedClusterGives503() {
        facade.set(Snapshots.uninitialized().build());
        assertRefused(503, "not initialized", "PATCH", AUTH, "{\"pause\": true}");
    }

    @Test
    void thePasswordAppearsNowhere() {
        for (String path : new String[]{"/config", "/patroni", "/cluster"}) {
            assertFalse(client.send("GET", path).body().contains(PASSWORD), path);
        }
        assertFalse(WriteAuthentication.basic("admin", PASSWORD).toString().contains(PASSWORD));
    }
}
