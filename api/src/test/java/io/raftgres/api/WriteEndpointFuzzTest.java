package io.raftgres.api;

import io.raftgres.core.model.DynamicConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sends thousands of generated bad bodies ({@link BadBodies}, fixed seed) to every write
 * endpoint, authenticated, through a real server: every answer is a 4xx (413 for the oversized
 * ones), not one write reaches the agent, the configuration and its version are what they were,
 * and the server answers reads and a valid write afterwards.
 *
 * <p>A new write endpoint is one more entry in {@link #ENDPOINTS}.
 *
 * <p>It failed when first run: {@code {}} followed by garbage was read as an empty PATCH and
 * answered 200; {@code ConfigController.hasTrailingContent} now refuses it, and removing that check
 * makes this test fail again.
 */
class WriteEndpointFuzzTest {

    /**
     * Every write endpoint that takes a body: method and path, and "optional" where an empty body is
     * a valid request (as in Patroni: POST /restart with no body restarts now), so empty ones are skipped.
     */
    static final List<String[]> ENDPOINTS = List.of(
            new String[]{"PATCH", "/config"},
            new String[]{"PUT", "/config"},
            new String[]{"POST", "/restart", "optional"},
            new String[]{"POST", "/reinitialize", "optional"});

    private static final long SEED = 0x5eC0FF5EEDL;
    private static final int CASES_PER_ENDPOINT = 2000;
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString(
            "admin:fuzz-pw".getBytes(StandardCharsets.UTF_8));

    @Test
    void generatedBadBodiesAreRefusedWith4xxAndChangeNothing() throws Exception {
        FakeAgentFacade facade = new FakeAgentFacade(Snapshots.primary().build());
        DynamicConfig before = facade.snapshot().cluster().config();
        Random random = new Random(SEED);
        Map<String, int[]> byKind = new TreeMap<>();
        long started = System.nanoTime();
        try (RestServer server = RestServer.start("127.0.0.1", 0, facade, WriteAuthentication.basic("admin", "fuzz-pw"));
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                     .connectTimeout(Duration.ofSeconds(5)).build()) {
            for (String[] endpoint : ENDPOINTS) {
                for (int i = 0; i < CASES_PER_ENDPOINT; i++) {
                    BadBodies.Kind kind = BadBodies.KINDS.get(random.nextInt(BadBodies.KINDS.size()));
                    byte[] body = kind.make().apply(random);
                    if (body.length == 0 && endpoint.length > 2) {
                        continue;
                    }
                    int status = send(http, server.port(), endpoint, body, random.nextInt(10) == 0
                            ? "text/plain" : "application/json");
                    String what = endpoint[0] + " " + endpoint[1] + " case " + i + " (" + kind.name() + "): "
                            + preview(body);
                    assertTrue(status >= 400 && status < 500, what + " answered " + status);
                    if (kind.name().equals("oversized")) {
                        assertEquals(413, status, what);
                    }
                    byKind.computeIfAbsent(kind.name(), k -> new int[1])[0]++;
                    assertEquals(0, facade.writes(), what + " reached the agent");
                    assertEquals(List.of(), facade.operations(), what + " reached the agent as an operation");
                }
            }
            assertEquals(before, facade.snapshot().cluster().config(), "the configuration changed");
            assertEquals(200, send(http, server.port(), new String[]{"GET", "/patroni"}, null, null));
            assertEquals(200, send(http, server.port(), ENDPOINTS.getFirst(),
                    "{\"loop_wait\": 3}".getBytes(StandardCharsets.UTF_8), "application/json"),
                    "a valid write still works after the fuzzing");
        }
        System.out.printf("fuzzed %d bodies in %.1f s: %s%n", ENDPOINTS.size() * CASES_PER_ENDPOINT,
                (System.nanoTime() - started) / 1e9, byKind.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()[0]).toList());
    }

    private static int send(HttpClient http, int port, String[] endpoint, byte[] body, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + endpoint[1]))
                .timeout(Duration.ofSeconds(10)).header("Authorization", AUTH)
                .method(endpoint[0], body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            // A server may close the connection on an oversized body before reading it all.
            if (body != null && body.length > RestServer.MAX_BODY_BYTES) {
                return 413;
            }
            throw e;
        }
    }

    private static String preview(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        return s.length() > 120 ? s.substring(0, 120) + "... (" + body.length + " bytes)" : s;
    }
}
