package io.raftgres.api;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The answers of a real server on loopback while the agent says it is starting
 * ({@link AgentFacade#startingReason()}): every write is refused with 503 and the agent's sentence
 * after the access checks (an unknown client still gets 401, an address outside the allowlist 403),
 * reaches no controller and writes nothing; {@code GET /config}, {@code /cluster} and {@code /history}
 * say the same (the agent knows no replicated state yet); {@code /patroni} answers from the snapshot. Once the agent is up the same server takes writes again.
 *
 * <p>Shown to fail: without the starting check in {@link RestAccessFilter},
 * {@link #writesWhileStartingAnswer503AfterTheAccessChecks} fails (the PATCH answered 200 and the
 * write reached the agent).
 */
class StartingAnswersTest {

    private static final String PASSWORD = "starting-Pass-7";
    private static final String REASON = "raftgres is starting: try again shortly";
    private static final Map<String, String> AUTH = Map.of("Authorization",
            "Basic " + Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));

    private static void withServer(Allowlist allowlist, FakeAgentFacade facade, Consumer<ApiClient> test) {
        StatusSnapshot first = facade.snapshot();
        RestSecurity security = new RestSecurity(WriteAuthentication.basic("admin", PASSWORD), false, allowlist, null);
        try (RestServer server = RestServer.start("127.0.0.1", 0, facade,
                new RaftgresMetrics(first.scope(), first.memberName(), () -> LiveReadings.NONE), security)) {
            test.accept(new ApiClient(server.port()));
        }
    }

    @Test
    void writesWhileStartingAnswer503AfterTheAccessChecks() {
        FakeAgentFacade facade = new FakeAgentFacade(Snapshots.primary().build());
        facade.starting(REASON);
        withServer(Allowlist.ANY, facade, client -> {
            assertEquals(401, client.send("PATCH", "/config", Map.of(), "{\"loop_wait\": 2}").statusCode());
            for (String[] write : List.of(new String[]{"PATCH", "/config", "{\"loop_wait\": 2}"},
                    new String[]{"PUT", "/config", "{\"loop_wait\": 2}"}, new String[]{"POST", "/restart", "{}"},
                    new String[]{"DELETE", "/restart", ""}, new String[]{"POST", "/reinitialize", "{}"},
                    new String[]{"POST", "/switchover", "{\"leader\": \"n1\"}"},
                    new String[]{"POST", "/failover", "{\"candidate\": \"n2\"}"},
                    new String[]{"DELETE", "/switchover", ""}, new String[]{"POST", "/reload", ""})) {
                HttpResponse<String> r = client.send(write[0], write[1], AUTH, write[2]);
                assertEquals(503, r.statusCode(), write[0] + " " + write[1]);
                assertEquals(REASON, r.body(), write[0] + " " + write[1]);
            }
            for (String path : List.of("/config", "/cluster", "/history")) {
                HttpResponse<String> document = client.send("GET", path);
                assertEquals(503, document.statusCode(), "GET " + path);
                assertEquals(REASON, document.body(), "GET " + path);
            }
            assertEquals(200, client.status("GET", "/patroni"));
        });
        assertEquals(0, facade.writes(), "no write reached the agent while it was starting");

        facade.starting(null);
        withServer(Allowlist.ANY, facade, client -> {
            assertEquals(200, client.send("PATCH", "/config", AUTH, "{\"loop_wait\": 2}").statusCode());
            assertEquals(200, client.status("GET", "/config"));
        });
        assertEquals(1, facade.writes());
    }

    @Test
    void theAllowlistStillAnswersFirstWhileStarting() {
        FakeAgentFacade facade = new FakeAgentFacade(Snapshots.primary().build());
        facade.starting(REASON);
        withServer(Allowlist.of(List.of("10.0.0.0/8"), false), facade, client -> {
            HttpResponse<String> r = client.send("PATCH", "/config", AUTH, "{\"loop_wait\": 2}");
            assertEquals(403, r.statusCode());
            assertTrue(r.body().contains("allowlist"), r.body());
        });
    }
}
