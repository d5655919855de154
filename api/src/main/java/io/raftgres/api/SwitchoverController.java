package io.raftgres.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Patroni's {@code POST /switchover}, {@code DELETE /switchover} and {@code POST /failover}. The
 * body is checked completely against the agent's last view first ({@link SwitchoverValidation});
 * any refusal answers at once and writes nothing. Otherwise the agent commits the request through
 * Raft and the HA loops carry it out; the answer waits for the outcome (immediate) or confirms the
 * schedule (202). Authentication is checked before this runs ({@link WriteAuthenticationFilter}),
 * and an oversized body gets 413 before it too. Answers are plain text, as Patroni's.
 */
@Controller
final class SwitchoverController {

    private final AgentFacade facade;
    private final JsonMapper json;

    SwitchoverController(AgentFacade facade, JsonMapper json) {
        this.facade = facade;
        this.json = json;
    }

    @Post(value = "/switchover", consumes = MediaType.ALL, produces = MediaType.TEXT_PLAIN)
    CompletableFuture<MutableHttpResponse<?>> switchover(@Body @Nullable byte[] body) {
        return submit(body, false);
    }

    @Post(value = "/failover", consumes = MediaType.ALL, produces = MediaType.TEXT_PLAIN)
    CompletableFuture<MutableHttpResponse<?>> failover(@Body @Nullable byte[] body) {
        return submit(body, true);
    }

    @Delete(value = "/switchover", consumes = MediaType.ALL, produces = MediaType.TEXT_PLAIN)
    CompletableFuture<MutableHttpResponse<?>> cancel() {
        var planned = facade.snapshot().cluster().activeSwitchover();
        if (planned == null || !planned.scheduled()) {
            return CompletableFuture.completedFuture(text(new SwitchoverOutcome(404, "no switchover is scheduled")));
        }
        return facade.cancelSwitchover().thenApply(SwitchoverController::text);
    }

    private CompletableFuture<MutableHttpResponse<?>> submit(byte[] body, boolean failover) {
        Map<String, Object> doc;
        try {
            doc = parse(body);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(text(new SwitchoverOutcome(400, e.getMessage())));
        }
        StatusSnapshot snapshot = facade.snapshot();
        long now = System.currentTimeMillis();
        SwitchoverValidation.Result checked = failover ? SwitchoverValidation.failover(doc, snapshot, now)
                : SwitchoverValidation.switchover(doc, snapshot, now);
        if (checked.refusal() != null) {
            return CompletableFuture.completedFuture(text(checked.refusal()));
        }
        return facade.switchover(checked.call()).thenApply(SwitchoverController::text);
    }

    /** The body's keys with string values as strings, null as null, anything else as a non-string. */
    private Map<String, Object> parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new IllegalArgumentException("body: empty; send a JSON object such as {\"leader\": \"n1\"}");
        }
        JsonNode root;
        try {
            root = json.readValue(body, Argument.of(JsonNode.class));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("body: not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("body: must be a JSON object");
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.entries()) {
            JsonNode v = e.getValue();
            doc.put(e.getKey(), v.isNull() ? null : v.isString() ? v.getStringValue() : v);
        }
        return doc;
    }

    private static MutableHttpResponse<?> text(SwitchoverOutcome outcome) {
        return HttpResponse.status(HttpStatus.valueOf(outcome.status())).contentType(MediaType.TEXT_PLAIN_TYPE)
                .body(outcome.message());
    }
}
