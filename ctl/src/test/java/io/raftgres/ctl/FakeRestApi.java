package io.raftgres.ctl;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The outside world of the CLI's pure-logic tests: a member's REST API on loopback that answers
 * each {@code METHOD /path} with a canned status and body, and records every request (method,
 * path, body, Authorization and If-Match headers). The real API is exercised by the agent
 * module's RaftgresCtlClusterTest.
 */
final class FakeRestApi implements AutoCloseable {

    record Reply(int status, String body) {
    }

    record Request(String method, String path, String body, String authorization, String ifMatch) {
    }

    final HttpServer server;
    final Map<String, Reply> replies = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeRestApi() throws IOException {
        this(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
    }

    FakeRestApi(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        String scheme = server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getAddress().getPort();
    }

    FakeRestApi reply(String methodAndPath, int status, String body) {
        replies.put(methodAndPath, new Reply(status, body));
        return this;
    }

    /** A three-member cluster n1 (leader), n2, n3 whose api_urls all point at this server. */
    FakeRestApi cluster(String extraTopLevel) {
        String api = url() + "/patroni";
        return reply("GET /cluster", 200, """
                {"members": [
                  {"name": "n1", "role": "leader", "state": "running", "api_url": "%1$s", "host": "127.0.0.1", "port": 5433, "timeline": 2},
                  {"name": "n2", "role": "replica", "state": "streaming", "api_url": "%1$s", "host": "127.0.0.1", "port": 5434, "timeline": 2, "lag": 3145728},
                  {"name": "n3", "role": "replica", "state": "streaming", "api_url": "%1$s", "host": "127.0.0.1", "port": 5435, "timeline": 2, "lag": 0, "pending_restart": true, "tags": {"nofailover": true}}
                ], "scope": "demo"%2$s}""".formatted(api, extraTopLevel));
    }

    List<Request> writes() {
        return requests.stream().filter(r -> !r.method().equals("GET")).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String key = ex.getRequestMethod() + " " + ex.getRequestURI().getPath();
        requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), body,
                ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("If-Match")));
        Reply r = replies.getOrDefault(key, new Reply(404, "not found"));
        byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", r.body().startsWith("{") || r.body().startsWith("[")
                ? "application/json" : "text/plain");
        if (key.equals("GET /config")) {
            ex.getResponseHeaders().add("ETag", "\"7\"");
        }
        ex.sendResponseHeaders(r.status(), out.length == 0 ? -1 : out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
