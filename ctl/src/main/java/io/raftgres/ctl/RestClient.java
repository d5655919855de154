package io.raftgres.ctl;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The members' REST APIs over the JDK's HttpClient. {@link #any} tries the members in turn, so
 * one dead member does not stop a command; a member that answers (with any status) ends the
 * search. Credentials go with every request when configured (the server ignores them on open
 * reads); they never appear in an error.
 */
final class RestClient implements AutoCloseable {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** A switchover or restart answers only when done: Patroni waits up to 2 x max(10 s, loop_wait). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(90);
    /** How an agent's REST API begins its 503 answers while the agent is starting (the agent's StartingFacade). */
    static final String STARTING = "raftgres is starting";

    private final List<URI> seeds;
    private final String authorization;
    private final HttpClient http;
    private final boolean clientCertificate;

    RestClient(CtlSettings settings) {
        this.seeds = settings.urls();
        this.authorization = settings.username() == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (settings.username() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8));
        boolean https = seeds.stream().anyMatch(u -> u.getScheme().equals("https"));
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
        if (https) {
            b.sslContext(settings.tls().context());
        }
        this.http = b.build();
        this.clientCertificate = settings.tls().certfile() != null;
    }

    /** The URLs from the command line, environment and configuration file, in order. */
    List<URI> seeds() {
        return seeds;
    }

    /** GET {@code path} from the first of {@code members} that answers. */
    Response any(List<URI> members, String path) {
        return any(members, "GET", path, null, Map.of());
    }

    /**
     * Sends to each of {@code members} in turn until one answers; none answering is exit code 3,
     * or 4 when a member refused this client's TLS connection (a missing or refused client
     * certificate). A member whose agent is still starting (503 "raftgres is starting: ...") counts
     * as not answering: it knows no cluster state yet and takes no writes.
     */
    Response any(List<URI> members, String method, String path, String json, Map<String, String> headers) {
        List<String> failures = new ArrayList<>();
        boolean denied = false;
        for (URI base : members) {
            try {
                Response r = send(base, method, path, json, headers);
                if (r.status() == 503 && r.body() != null && r.body().startsWith(STARTING)) {
                    failures.add(base + ": the agent is starting");
                    continue;
                }
                return r;
            } catch (Unreachable e) {
                failures.add(e.getMessage());
                denied |= e.denied;
            }
        }
        throw denied ? new CtlException(ExitCodes.AUTH, "access denied: " + String.join("; ", failures))
                : new CtlException(ExitCodes.UNREACHABLE, "no member answered: " + String.join("; ", failures));
    }

    /** One request to one member; an unreachable member is exit code 3 naming its URL. */
    Response one(URI base, String method, String path, String json) {
        try {
            return send(base, method, path, json, Map.of());
        } catch (Unreachable e) {
            throw new CtlException(e.denied ? ExitCodes.AUTH : ExitCodes.UNREACHABLE, e.getMessage());
        }
    }

    private Response send(URI base, String method, String path, String json, Map<String, String> headers)
            throws Unreachable {
        URI uri = URI.create(base + path);
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            req.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        headers.forEach(req::header);
        try {
            HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(base, method, path, r.statusCode(), r.body(),
                    r.headers().firstValue("ETag").orElse(null));
        } catch (HttpConnectTimeoutException e) {
            throw new Unreachable(base + ": connection timed out after " + CONNECT_TIMEOUT.toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            throw new Unreachable(base + ": no answer within " + REQUEST_TIMEOUT.toSeconds() + " s to " + method + " "
                    + path);
        } catch (ConnectException e) {
            throw new Unreachable(base + ": connection refused");
        } catch (IOException e) {
            TlsRefusal tls = TlsRefusal.of(e, clientCertificate).orElse(null);
            if (tls != null) {
                throw new Unreachable(base + ": " + tls.message(), tls.accessDenied());
            }
            throw new Unreachable(base + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CtlException.aborted();
        }
    }

    /** Ends the client's connections and threads (a CLI run in a longer-lived JVM, as in tests). */
    @Override
    public void close() {
        http.close();
    }

    /** A member that did not answer, or refused this client's TLS connection ({@code denied}): try the next one. */
    private static final class Unreachable extends Exception {
        private final boolean denied;

        Unreachable(String message) {
            this(message, false);
        }

        Unreachable(String message, boolean denied) {
            super(message, null, false, false);
            this.denied = denied;
        }
    }
}
