package io.raftgres.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Head;
import io.micronaut.http.annotation.Options;
import io.micronaut.http.annotation.PathVariable;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Patroni-compatible health checks for load balancers: 200 when the member passes the
 * {@link HealthCheck} its path selects, else 503; 400 for a query parameter it cannot
 * interpret. Like Patroni, every GET, HEAD and OPTIONS path that is not a monitoring document
 * ({@link StatusController}) is a health check; a path that names none answers 503. GET answers
 * with the {@code /patroni} document (except liveness and readiness); HEAD and OPTIONS answer
 * with the code only, for HAProxy's {@code option httpchk OPTIONS /master}. CORS is off
 * ({@link RestServer}), so OPTIONS requests are never answered by a preflight handler.
 *
 * <p>Runs on Netty event-loop threads: it reads one snapshot per request and never blocks.
 */
@Controller
final class HealthController {

    private final AgentFacade facade;

    HealthController(AgentFacade facade) {
        this.facade = facade;
    }

    // The catch-all routes bind the path as a variable (Micronaut requires a parameter for it);
    // the check reads the request's own path, which includes "/" where the variable is absent.
    @Get(uris = {"/", "/{+path}"}, produces = MediaType.APPLICATION_JSON, headRoute = false)
    MutableHttpResponse<?> get(HttpRequest<?> request, @PathVariable @Nullable String path) {
        return check(request, true);
    }

    @Head(uris = {"/", "/{+path}"})
    MutableHttpResponse<?> head(HttpRequest<?> request, @PathVariable @Nullable String path) {
        return check(request, false);
    }

    @Options(uris = {"/", "/{+path}"})
    MutableHttpResponse<?> options(HttpRequest<?> request, @PathVariable @Nullable String path) {
        return check(request, false);
    }

    private MutableHttpResponse<?> check(HttpRequest<?> request, boolean withBody) {
        HealthCheck check = HealthCheck.forPath(request.getPath());
        HealthQuery query;
        try {
            query = HealthQuery.parse(firstValues(request));
        } catch (InvalidQueryException e) {
            MutableHttpResponse<?> bad = HttpResponse.badRequest();
            return withBody ? bad.body(e.getMessage()).contentType(MediaType.TEXT_PLAIN_TYPE) : bad;
        }
        StatusSnapshot snapshot = facade.snapshot();
        boolean passes = HealthEvaluator.passes(check, query, snapshot, System.currentTimeMillis());
        MutableHttpResponse<Object> response =
                HttpResponse.status(passes ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
        if (withBody && check.statusBodyOnGet()) {
            response.body(StatusJson.patroni(snapshot)).contentType(MediaType.APPLICATION_JSON_TYPE);
        }
        return response;
    }

    private static Map<String, String> firstValues(HttpRequest<?> request) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : request.getParameters().names()) {
            values.put(name, request.getParameters().getFirst(name).orElse(""));
        }
        return values;
    }
}
