package io.raftgres.api;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.MemberRecord;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code restapi.authentication_for_reads}, {@code restapi.allowlist} and
 * {@code allowlist_include_members} through a real server on loopback (the client is 127.0.0.1).
 * Every refusal is checked to leave the config untouched and no write to reach the agent.
 *
 * <p>Shown to fail: with the allowlist check in {@link RestAccessFilter} commented out,
 * {@link #anAllowlistWithoutTheClientRefusesWritesWith403} fails (PATCH answered 200).
 */
class RestAccessTest {

    private static final String PASSWORD = "reads-Need-This-9";
    private static final Map<String, String> AUTH = Map.of("Authorization",
            "Basic " + Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    private static final String PATCH_BODY = "{\"loop_wait\": 2}";

    private static void withServer(RestSecurity security, FakeAgentFacade facade, Consumer<ApiClient> test) {
        StatusSnapshot first = facade.snapshot();
        try (RestServer server = RestServer.start("127.0.0.1", 0, facade,
                new RaftgresMetrics(first.scope(), first.memberName(), () -> LiveReadings.NONE), security)) {
            test.accept(new ApiClient(server.port()));
        }
    }

    private static RestSecurity security(boolean reads, Allowlist allowlist) {
        return new RestSecurity(WriteAuthentication.basic("admin", PASSWORD), reads, allowlist, null);
    }

    @Test
    void readsStayOpenByDefaultAndNeedCredentialsWithAuthenticationForReads() {
        FakeAgentFacade facade = new FakeAgentFacade(Snapshots.primary().build());
        withServer(security(false, Allowlist.ANY), facade, client -> {
            assertEquals(200, client.status("GET", "/patroni"));
            assertEquals(200, client.status("GET", "/primary"));
        });
        withServer(security(true, Allowlist.ANY), facade, client -> {
            for (String path : List.of("/patroni", "/primary", "/health", "/replica", "/cluster", "/config",
                    "/metrics", "/history", "/liveness")) {
                HttpResponse<String> open = client.send("GET", path);
                assertEquals(401, open.statusCode(), "GET " + path + " without credentials");
                assertTrue(open.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), path);
                assertFalse(open.body().contains(PASSWORD));
                assertEquals(401, client.send("HEAD", path).statusCode(), "HEAD " + path);
                assertEquals(401, client.send("OPTIONS", path).statusCode(), "OPTIONS " + path);
                assertTrue(client.send("GET", path, AUTH).statusCode() != 401, "GET " + path + " with credentials");
            }
            assertEquals(401, client.send("GET", "/patroni", Map.of("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString("admin:wrong".getBytes(StandardCharsets.UTF_8)))).statusCode());
            assertEquals(200, client.send("PATCH", "/config", AUTH, PATCH_BODY).statusCode());
        });
    }

    @Test
    void authenticationForReadsWithoutAUserIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RestSecurity(
                WriteAuthentication.unauthenticatedWrites(), true, Allowlist.ANY, null));
        assertTrue(e.getMessage().contains("restapi.authentication_for_reads"), e.getMessage());
    }

    @Test
    void anAllowlistWithoutTheClientRefusesWritesWith403() {
        FakeAgentFacade facade = new FakeAgentFacade(Snapshots.primary().build());
        withServer(security(false, Allowlist.of(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8"), false)), facade,
                client -> {
                    HttpResponse<String> refused = client.send("PATCH", "/config", AUTH, PATCH_BODY);
                    assertEquals(403, refused.statusCode(), refused.body());
                    assertTrue(refused.body().contains("allowlist"), refused.body());
                    assertEquals(403, client.send("PUT", "/config", Map.of(), PATCH_BODY).statusCode(),
                            "the allowlist is checked before the credentials, as Patroni does");
                    // Health checks and other reads are not covered, as in Patroni.
                    assertEquals(200, client.status("GET", "/primary"));
                    assertEquals(200, client.status("GET", "/config"));
                });
        assertEquals(0, facade.writes(), "no write reached the agent");
        assertEquals(1000, facade.snapshot().cluster().config().loopWaitMillis());
    }

    @Test
    void anAllowlistEntryAHostNameOrTheMembersAdmitTheClient() {
        for (Allowlist admits : List.of(Allowlist.of(List.of("10.0.0.0/8", "127.0.0.0/8"), false),
                Allowlist.of(List.of("127.0.0.1"), false), Allowlist.of(List.of("localhost"), false),
                Allowlist.of(List.of(), true))) {
            FakeAgentFacade facade = new FakeAgentFacade(Snapshots.primary().build());
            withServer(security(false, admits), facade, client -> {
                assertEquals(200, client.send("PATCH", "/config", AUTH, PATCH_BODY).statusCode(), admits.toString());
                assertEquals(401, client.send("PATCH", "/config", Map.of(), PATCH_BODY).statusCode(),
                        "an admitted address still needs the credentials");
            });
        }
    }

    @Test
    void includeMembersAdmitsOnlyTheMembersAddresses() {
        ClusterState elsewhere = Snapshots.initializedCluster();
        for (MemberRecord m : elsewhere.members().values()) {
            elsewhere = elsewhere.withMember(new MemberRecord(m.name(), "http://10.9.9." + m.name().charAt(1) + ":8008",
                    m.raftAddress(), m.pgHost(), m.pgPort(), m.role(), m.state(), m.timeline(), m.receiveLsn(),
                    m.replayLsn(), m.streaming(), m.tags(), m.canBootstrap(), m.watchdogFailed(), m.version(), m.term(),
                    m.updatedAtMillis(), m.maxFeatureLevel(), m.pendingRestart()));
        }
        FakeAgentFacade facade = new FakeAgentFacade(Snapshots.primary().cluster(elsewhere).build());
        withServer(security(false, Allowlist.of(List.of(), true)), facade,
                client -> assertEquals(403, client.send("PATCH", "/config", AUTH, PATCH_BODY).statusCode()));
        assertEquals(0, facade.writes());
    }

    @Test
    void badAllowlistEntriesAreRefusedNamingTheEntry() {
        for (String bad : List.of("10.0.0.0/33", "10.0.0.0/x", "300.1.1.1/8", "::1/129", "host name", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Allowlist.of(List.of(bad), false), bad);
            assertTrue(e.getMessage().contains("restapi.allowlist") && e.getMessage().contains("'" + bad + "'"),
                    e.getMessage());
        }
    }
}
