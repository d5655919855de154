package io.raftgres.api;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Options;

import java.util.List;
import java.util.Map;

/**
 * Read-only monitoring documents: {@code /patroni} (alias {@code /status}), {@code /cluster},
 * {@code /history} and {@code /config}, shaped like Patroni's. Each request reads one snapshot;
 * runs on Netty event-loop threads and never blocks.
 */
@Controller(produces = MediaType.APPLICATION_JSON)
final class StatusController {

    private final AgentFacade facade;

    StatusController(AgentFacade facade) {
        this.facade = facade;
    }

    /** This member's status; always 200. */
    @Get(uris = {"/patroni", "/status"})
    Map<String, Object> status() {
        return StatusJson.patroni(facade.snapshot());
    }

    /**
     * Every member as the replicated state knows it; 503 while the agent is starting (it knows no
     * replicated state yet, and an empty member list would look like a cluster without members).
     */
    @Get("/cluster")
    MutableHttpResponse<?> cluster() {
        String starting = facade.startingReason();
        StatusSnapshot snapshot = facade.snapshot();
        return starting != null ? starting(starting)
                : HttpResponse.ok(ClusterJson.cluster(snapshot.cluster(), snapshot.paused(), snapshot.silentMembers()));
    }

    /** Timeline switches, oldest first; 503 while the agent is starting, as {@link #cluster()}. */
    @Get("/history")
    MutableHttpResponse<?> history() {
        String starting = facade.startingReason();
        List<List<Object>> history = ClusterJson.history(facade.snapshot().cluster());
        return starting != null ? starting(starting) : HttpResponse.ok(history);
    }

    private static MutableHttpResponse<String> starting(String reason) {
        return HttpResponse.<String>status(HttpStatus.SERVICE_UNAVAILABLE).body(reason)
                .contentType(MediaType.TEXT_PLAIN_TYPE);
    }

    /**
     * OPTIONS on a document path: 405, so that an OPTIONS health check pointed at the wrong path
     * fails instead of passing on Micronaut's generic OPTIONS reply (a 200).
     */
    @Options(uris = {"/patroni", "/status", "/cluster", "/history"})
    MutableHttpResponse<?> options() {
        return HttpResponse.status(HttpStatus.METHOD_NOT_ALLOWED).header(HttpHeaders.ALLOW, "GET, HEAD");
    }

    /** As {@link #options()}, for the one document that can also be written. */
    @Options("/config")
    MutableHttpResponse<?> configOptions() {
        return HttpResponse.status(HttpStatus.METHOD_NOT_ALLOWED).header(HttpHeaders.ALLOW, "GET, HEAD, PATCH, PUT");
    }

    /** The dynamic configuration; 503 while the agent is starting and until the cluster is initialized. */
    @Get("/config")
    MutableHttpResponse<?> config() {
        String starting = facade.startingReason();
        StatusSnapshot snapshot = facade.snapshot();
        if (starting != null || !snapshot.cluster().isInitialized()) {
            return starting(starting != null ? starting : "cluster is not initialized: no dynamic configuration yet");
        }
        return HttpResponse.ok(ClusterJson.config(snapshot.cluster().config()))
                .header(HttpHeaders.ETAG, ConfigController.etag(snapshot.cluster().config()));
    }
}
