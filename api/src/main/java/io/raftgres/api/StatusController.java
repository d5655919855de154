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

    /** Every member as the replicated state knows it. */
    @Get("/cluster")
    Map<String, Object> cluster() {
        StatusSnapshot snapshot = facade.snapshot();
        return ClusterJson.cluster(snapshot.cluster(), snapshot.paused(), snapshot.silentMembers());
    }

    /** Timeline switches, oldest first. */
    @Get("/history")
    List<List<Object>> history() {
        return ClusterJson.history(facade.snapshot().cluster());
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
            return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .body(starting != null ? starting : "cluster is not initialized: no dynamic configuration yet")
                    .contentType(MediaType.TEXT_PLAIN_TYPE);
        }
        return HttpResponse.ok(ClusterJson.config(snapshot.cluster().config()))
                .header(HttpHeaders.ETAG, ConfigController.etag(snapshot.cluster().config()));
    }
}
