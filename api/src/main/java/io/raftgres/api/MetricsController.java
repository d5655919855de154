package io.raftgres.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/**
 * {@code GET /metrics}: Prometheus text exposition of one snapshot plus the agent's event
 * counters (see {@link RaftgresMetrics}). Runs on a Netty event loop and never blocks: the
 * snapshot and the live readings are field reads.
 */
@Controller
final class MetricsController {

    /** Prometheus text format 0.0.4, what Patroni serves and every Prometheus version scrapes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final AgentFacade facade;
    private final RaftgresMetrics metrics;

    MetricsController(AgentFacade facade, RaftgresMetrics metrics) {
        this.facade = facade;
        this.metrics = metrics;
    }

    @Get("/metrics")
    MutableHttpResponse<String> metrics() {
        return HttpResponse.ok(metrics.scrape(facade.snapshot())).contentType(CONTENT_TYPE);
    }
}
