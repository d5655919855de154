package io.raftgres.api;

import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Status codes of every health path for each kind of member, on GET, HEAD and OPTIONS, through
 * a real server on a free loopback port.
 */
class HealthEndpointsTest {

    private static final List<String> PATHS = List.of("/", "/primary", "/master", "/read-write", "/leader",
            "/replica", "/read-only", "/health", "/liveness", "/readiness");
    private static final List<String> METHODS = List.of("GET", "HEAD", "OPTIONS");

    private static FakeAgentFacade facade;
    private static RestServer server;
    private static ApiClient client;

    @BeforeAll
    static void startServer() {
        facade = new FakeAgentFacade(Snapshots.primary().build());
        server = RestServer.start("127.0.0.1", 0, facade, WriteAuthentication.unauthenticatedWrites());
        client = new ApiClient(server.port());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** Member kind, the snapshot, and the expected code per path in {@link #PATHS} order. */
    static Stream<Arguments> members() {
        Supplier<StatusSnapshot> primaryWithoutLease = () -> Snapshots.primary().leaderWithLease(false).build();
        return Stream.of(
                Arguments.of("primary", (Supplier<StatusSnapshot>) () -> Snapshots.primary().build(),
                        List.of(200, 200, 200, 200, 200, 503, 200, 200, 200, 200)),
                Arguments.of("primary whose lease lapsed", primaryWithoutLease,
                        List.of(503, 503, 503, 503, 503, 503, 503, 200, 200, 503)),
                Arguments.of("replica", (Supplier<StatusSnapshot>) () -> Snapshots.replica().build(),
                        List.of(503, 503, 503, 503, 503, 200, 200, 200, 200, 200)),
                Arguments.of("stopped", (Supplier<StatusSnapshot>) () -> Snapshots.stopped().build(),
                        List.of(503, 503, 503, 503, 503, 503, 503, 503, 200, 503)),
                Arguments.of("uninitialized", (Supplier<StatusSnapshot>) () -> Snapshots.uninitialized().build(),
                        List.of(503, 503, 503, 503, 503, 503, 503, 503, 200, 503)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("members")
    void answersEveryHealthPathWithTheSameCodeOnGetHeadAndOptions(String kind, Supplier<StatusSnapshot> snapshot,
                                                                   List<Integer> expected) {
        facade.set(snapshot.get());
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < PATHS.size(); i++) {
            for (String method : METHODS) {
                HttpResponse<String> response = client.send(method, PATHS.get(i));
                if (response.statusCode() != expected.get(i)) {
                    mismatches.add(method + " " + PATHS.get(i) + " -> " + response.statusCode());
                }
                boolean wantsBody = method.equals("GET") && !PATHS.get(i).endsWith("ness");
                if (wantsBody != !response.body().isEmpty()) {
                    mismatches.add(method + " " + PATHS.get(i) + " body: '" + response.body() + "'");
                }
            }
        }
        assertEquals(List.of(), mismatches, kind);
    }

    @Test
    void healthGetCarriesTheStatusDocument() {
        facade.set(Snapshots.replica().build());
        HttpResponse<String> response = client.send("GET", "/replica");
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(""));
        assertEquals("replica", ApiClient.parse(response.body()).get("role").asString());
    }

    @Test
    void optionsWithCorsHeadersStillRunsTheCheck() {
        Map<String, String> preflight = Map.of("Origin", "http://127.0.0.1:9000", "Access-Control-Request-Method", "GET");
        facade.set(Snapshots.replica().build());
        assertEquals(503, client.send("OPTIONS", "/master", preflight).statusCode());
        facade.set(Snapshots.primary().build());
        assertEquals(200, client.send("OPTIONS", "/master", preflight).statusCode());
    }

    @Test
    void refusesForeignBrowserOriginsOnALoopbackListener() {
        // Micronaut's drive-by-localhost protection: a web page elsewhere cannot probe the agent.
        facade.set(Snapshots.primary().build());
        assertEquals(403, client.send("GET", "/patroni", Map.of("Origin", "http://example.test")).statusCode());
    }

    @Test
    void replicaPassesOnlyWithinTheRequestedLag() {
        facade.set(Snapshots.replica().build()); // 4096 bytes behind the leader
        assertEquals(200, client.status("GET", "/replica?lag=4096"));
        assertEquals(503, client.status("GET", "/replica?lag=4095"));
        assertEquals(200, client.status("GET", "/replica?lag=4kB"));
        assertEquals(503, client.status("GET", "/replica?lag=1kB"));
        assertEquals(200, client.status("HEAD", "/replica?lag=1MB"));
        assertEquals(503, client.status("OPTIONS", "/read-only?lag=1kB"));
    }

    @Test
    void replicaLagCountsWhatTheLocalReceiverAlreadyGot() {
        LocalPgState receivedAhead = Snapshots.pg(ControlState.IN_ARCHIVE_RECOVERY, true, true,
                new Lsn(Snapshots.PRIMARY_LSN.value() + 65_536), Snapshots.REPLICA_LSN, true);
        facade.set(Snapshots.replica().local(receivedAhead).build());
        assertEquals(503, client.status("GET", "/replica?lag=64kB"));
        assertEquals(200, client.status("GET", "/replica?lag=128kB"));
    }

    @Test
    void readOnlyIgnoresLagOnThePrimary() {
        facade.set(Snapshots.primary().build());
        assertEquals(200, client.status("GET", "/read-only?lag=0"));
    }

    @Test
    void replicaMatchesReplicationState() {
        facade.set(Snapshots.replica().build());
        assertEquals(200, client.status("GET", "/replica?replication_state=streaming"));
        assertEquals(503, client.status("GET", "/replica?replication_state=in%20archive%20recovery"));
    }

    @Test
    void replicaMatchesEveryRequestedTag() {
        facade.set(Snapshots.replica().build()); // tags: zone=a
        assertEquals(200, client.status("GET", "/replica?tag_zone=a"));
        assertEquals(503, client.status("GET", "/replica?tag_zone=b"));
        assertEquals(503, client.status("GET", "/replica?tag_rack=r1"));
        assertEquals(200, client.status("GET", "/replica?tag_zone=a&tag_nofailover=false&tag_failover_priority=1"));
        assertEquals(503, client.status("GET", "/replica?tag_zone=a&tag_nofailover=true"));
        assertEquals(503, client.status("HEAD", "/read-only?tag_zone=b"));
    }

    @Test
    void primaryChecksIgnoreTags() {
        facade.set(Snapshots.primary().build());
        assertEquals(200, client.status("GET", "/primary?tag_zone=nowhere"));
        assertEquals(200, client.status("GET", "/read-only?tag_zone=nowhere"));
    }

    @Test
    void noloadbalanceTakesAReplicaOutOfReadTraffic() {
        facade.set(Snapshots.replica()
                .tags(new MemberTags(false, 1, true, false, Map.of())).build());
        assertEquals(503, client.status("GET", "/replica"));
        assertEquals(503, client.status("OPTIONS", "/read-only"));
        assertEquals(200, client.status("GET", "/health"));
        assertEquals(200, client.status("GET", "/readiness"));
    }

    @Test
    void rejectsUninterpretableQueryValuesNamingTheParameter() {
        facade.set(Snapshots.replica().build());
        HttpResponse<String> get = client.send("GET", "/replica?lag=abc");
        assertEquals(400, get.statusCode());
        assertTrue(get.body().contains("'lag'") && get.body().contains("abc"), get.body());
        assertEquals(400, client.status("HEAD", "/replica?lag=10XB"));
        assertEquals(400, client.status("OPTIONS", "/read-only?lag=-1"));
        HttpResponse<String> mode = client.send("GET", "/readiness?mode=fast");
        assertEquals(400, mode.statusCode());
        assertTrue(mode.body().contains("'mode'"), mode.body());
    }

    @Test
    void optionsSucceedsOnlyOnHealthPaths() {
        facade.set(Snapshots.primary().build());
        for (String path : List.of("/patroni", "/status", "/cluster", "/history", "/config")) {
            assertEquals(405, client.status("OPTIONS", path), path);
        }
        assertEquals(503, client.status("OPTIONS", "/no-such-check"));
        assertEquals(200, client.status("OPTIONS", "/master"));
    }

    /**
     * Patroni sends every path without a handler of its own to its health check, which answers
     * 503 with the status document when the path names no check (api.py do_GET). This failed
     * before: raftgres answered 404 with no document, which monitoring written for Patroni reads
     * as "the agent is gone".
     */
    @Test
    void pathsThatNameNoCheckAnswer503WithTheStatusDocumentAsPatroniDoes() {
        facade.set(Snapshots.primary().build());
        HttpResponse<String> get = client.send("GET", "/no-such-check");
        assertEquals(503, get.statusCode());
        assertEquals("primary", ApiClient.parse(get.body()).get("role").asString());
        assertEquals("n1", ApiClient.parse(get.body()).get("patroni").get("name").asString());
        for (String method : List.of("HEAD", "OPTIONS")) {
            HttpResponse<String> codeOnly = client.send(method, "/no-such-check");
            assertEquals(503, codeOnly.statusCode(), method);
            assertEquals("", codeOnly.body(), method);
        }
        assertEquals(503, client.status("GET", "/standby-leader"));
        assertEquals(503, client.status("GET", "/a/b/c"));
    }

    /** Patroni classifies a path by the check names it contains, in a fixed order; so does raftgres. */
    @Test
    void pathsSelectChecksBySubstringInPatronisOrder() {
        facade.set(Snapshots.replica().build());
        assertEquals(200, client.status("GET", "/replicas"));
        assertEquals(200, client.status("GET", "/read-only/"));
        assertEquals(503, client.status("GET", "/replica-leader"), "'leader' is tested before 'replica'");
        facade.set(Snapshots.primary().build());
        assertEquals(200, client.status("GET", "/masterx"));
        assertEquals(200, client.status("GET", "/my-health"));
        assertEquals(503, client.status("GET", "/PRIMARY"), "matching is case-sensitive, as Patroni's");
    }

    /**
     * Without synchronous replication every replica is asynchronous and none is a sync or
     * quorum standby; Patroni answers these paths only while its DCS is reachable.
     */
    @Test
    void synchronousModePathsAnswerForAnAllAsynchronousCluster() {
        facade.set(Snapshots.replica().build());
        for (String path : List.of("/async", "/asynchronous")) {
            assertEquals(200, client.status("GET", path), path);
        }
        for (String path : List.of("/sync", "/synchronous", "/quorum", "/read-only-sync", "/read-only-quorum")) {
            assertEquals(503, client.status("GET", path), path);
        }
        facade.set(Snapshots.replica().raft(new RaftView(3, RaftRole.FOLLOWER, null, false, false, -1, false)).build());
        assertEquals(503, client.status("GET", "/async"), "no quorum: Patroni's DCS is unavailable");
        facade.set(Snapshots.primary().build());
        assertEquals(200, client.status("GET", "/read-only-sync"));
        assertEquals(200, client.status("GET", "/read-only-synchronous"));
        assertEquals(503, client.status("GET", "/async"));
    }
}
