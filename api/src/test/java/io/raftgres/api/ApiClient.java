package io.raftgres.api;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A plain JDK HTTP/1.1 client for the API under test on 127.0.0.1, as a load balancer would
 * use it. Every request has a 5 s timeout.
 */
final class ApiClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final int port;

    ApiClient(int port) {
        this.port = port;
    }

    HttpResponse<String> send(String method, String pathAndQuery) {
        return send(method, pathAndQuery, Map.of());
    }

    HttpResponse<String> send(String method, String pathAndQuery, Map<String, String> headers) {
        return send(method, pathAndQuery, headers, null);
    }

    /** Sends {@code body} (as application/json unless the headers say otherwise) when not null. */
    HttpResponse<String> send(String method, String pathAndQuery, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(method + " " + pathAndQuery + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during " + method + " " + pathAndQuery, e);
        }
    }

    int status(String method, String pathAndQuery) {
        return send(method, pathAndQuery).statusCode();
    }

    /** GETs {@code path}, asserts 200 and returns the parsed body. */
    JsonNode json(String path) {
        HttpResponse<String> response = send("GET", path);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return parse(response.body());
    }

    static JsonNode parse(String body) {
        return JSON.readTree(body);
    }
}
