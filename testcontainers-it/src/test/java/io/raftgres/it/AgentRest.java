package io.raftgres.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agents' Patroni-compatible REST API as the test JVM sees it: health-check status codes
 * ({@code /primary}, {@code /replica}: 200 or 503) and the JSON of {@code /patroni} and
 * {@code /cluster}. An agent that does not answer (down, frozen, cut off) is a normal outcome,
 * reported as status -1 or empty. Thread-safe (one shared HttpClient).
 */
public final class AgentRest {

    /** Status reported when the agent did not answer in time. */
    public static final int UNREACHABLE = -1;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AgentRest() {
    }

    /** The HTTP status of GET {@code path}, or {@link #UNREACHABLE}. */
    public static int status(HostPort rest, String path) {
        try {
            return HTTP.send(request(rest, path), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNREACHABLE;
        }
    }

    /** The JSON body of GET {@code path} when it answered 200 or 503 with JSON, else empty. */
    public static Optional<JsonNode> json(HostPort rest, String path) {
        try {
            HttpResponse<String> response = HTTP.send(request(rest, path), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 && response.statusCode() != 503) {
                return Optional.empty();
            }
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException | JacksonException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * A write ({@code PATCH /config}, {@code POST /restart}, ...) with the suite's REST credentials
     * and a JSON body: the status and body; status {@link #UNREACHABLE} when the agent did not answer.
     */
    public static Answer write(HostPort rest, String method, String path, String json) {
        return write(rest, method, path, json, Duration.ofSeconds(20));
    }

    /** {@link #write(HostPort, String, String, String)} waiting up to {@code timeout}. */
    public static Answer write(HostPort rest, String method, String path, String json, Duration timeout) {
        String basic = java.util.Base64.getEncoder().encodeToString((ItCredentials.REST_USER + ":"
                + ItCredentials.REST_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + rest + path))
                .timeout(timeout).header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Answer(UNREACHABLE, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(UNREACHABLE, "interrupted");
        }
    }

    /** A write's status and body. */
    public record Answer(int status, String body) { }

    /** POSTs {@code json} to {@code path} (see {@link #write}); the status code and body. */
    public static Map.Entry<Integer, String> post(HostPort rest, String path, String json, Duration timeout) {
        Answer answer = write(rest, "POST", path, json, timeout);
        return Map.entry(answer.status(), answer.body());
    }

    private static HttpRequest request(HostPort rest, String path) {
        return HttpRequest.newBuilder(URI.create("http://" + rest + path)).timeout(REQUEST_TIMEOUT).GET().build();
    }
}
