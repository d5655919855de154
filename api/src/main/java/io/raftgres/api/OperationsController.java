package io.raftgres.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.JsonMapper;
import io.raftgres.core.decide.RestartConditions;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.OperatorRequest.Kind;
import io.raftgres.core.model.ScheduledRestart;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /restart}, {@code DELETE /restart} and {@code POST /reinitialize}, with Patroni's
 * bodies, codes and texts. The API checks the body and the preconditions on one snapshot and
 * records the request; the HA loop carries it out (this class never reaches PostgreSQL), and
 * the answer waits for the outcome. Any refusal changes nothing. Authentication is checked
 * before this runs ({@link WriteAuthenticationFilter}).
 */
@Controller
final class OperationsController {

    /** How long {@code POST /restart} waits by default, and {@code POST /reinitialize} always (a clone takes a while). */
    static final Duration RESTART_WAIT = Duration.ofSeconds(60);
    static final Duration REINITIALIZE_WAIT = Duration.ofMinutes(30);

    private final AgentFacade facade;
    private final JsonMapper json;

    OperationsController(AgentFacade facade, JsonMapper json) {
        this.facade = facade;
        this.json = json;
    }

    @Post(value = "/restart", consumes = MediaType.ALL, produces = MediaType.TEXT_PLAIN)
    CompletableFuture<MutableHttpResponse<?>> restart(@Body @Nullable byte[] body) {
        RestartRequest request;
        try {
            request = RestartRequest.parse(body == null || body.length == 0 ? Map.of()
                    : ConfigController.parse(json, body));
        } catch (InvalidConfigException e) {
            return done(text(HttpStatus.BAD_REQUEST, e.getMessage()));
        }
        StatusSnapshot s = facade.snapshot();
        if (request.schedule() != null) {
            return schedule(request, s);
        }
        if (!s.cluster().isInitialized()) {
            return done(text(HttpStatus.SERVICE_UNAVAILABLE, "restart conditions are not satisfied: the cluster is "
                    + "not initialized"));
        }
        String unmet = RestartConditions.unmet(request.restartPending(), request.role(), request.postgresVersion(),
                s.local(), s.cluster().members().get(s.memberName()));
        if (unmet != null) {
            return done(text(HttpStatus.SERVICE_UNAVAILABLE, "restart conditions are not satisfied: " + unmet));
        }
        Duration wait = request.timeoutSeconds() > 0 ? Duration.ofSeconds(request.timeoutSeconds()) : RESTART_WAIT;
        return submit(Kind.RESTART, false, wait);
    }

    /**
     * A scheduled restart (Patroni's codes): the time is checked first (400/422), then the feature
     * level (503 below 6), pause (500) and an existing schedule (409); the conditions are checked
     * when it is due, by this member's HA loop.
     */
    private CompletableFuture<MutableHttpResponse<?>> schedule(RestartRequest request, StatusSnapshot s) {
        long now = System.currentTimeMillis();
        long at;
        try {
            at = RestartSchedule.parse(request.schedule(), now);
        } catch (RestartSchedule.Refused e) {
            return done(text(HttpStatus.valueOf(e.status), e.getMessage()));
        }
        int level = s.cluster().featureLevel();
        if (level < FeatureLevel.SCHEDULED_RESTART) {
            return done(text(HttpStatus.SERVICE_UNAVAILABLE, "scheduled restarts need feature level "
                    + FeatureLevel.SCHEDULED_RESTART + ", the cluster runs " + level));
        }
        if (s.paused()) {
            return done(text(HttpStatus.INTERNAL_SERVER_ERROR, "Can't schedule restart in the paused state"));
        }
        if (s.cluster().restarts().containsKey(s.memberName())) {
            return done(text(HttpStatus.CONFLICT, "Another restart is already scheduled"));
        }
        return facade.scheduleRestart(new ScheduledRestart(at, request.restartPending(), request.role(),
                request.postgresVersion(), request.timeoutSeconds(), now)).thenApply(OperationsController::text);
    }

    @Delete(value = "/restart", consumes = MediaType.ALL, produces = MediaType.TEXT_PLAIN)
    CompletableFuture<MutableHttpResponse<?>> cancelRestart() {
        StatusSnapshot s = facade.snapshot();
        if (!s.cluster().restarts().containsKey(s.memberName())) {
            return done(text(HttpStatus.NOT_FOUND, "no restarts are scheduled"));
        }
        return facade.cancelScheduledRestart().thenApply(OperationsController::text);
    }

    @Post(value = "/reinitialize", consumes = MediaType.ALL, produces = MediaType.TEXT_PLAIN)
    CompletableFuture<MutableHttpResponse<?>> reinitialize(@Body @Nullable byte[] body) {
        boolean force;
        try {
            Map<String, Object> doc = body == null || body.length == 0 ? Map.of() : ConfigController.parse(json, body);
            for (String key : doc.keySet()) {
                if (!key.equals("force") && !key.equals("from_leader") && !key.equals("from-leader")) {
                    throw new InvalidConfigException(key, "unknown key; POST /reinitialize takes force, from_leader");
                }
            }
            Object f = doc.get("force");
            if (f != null && !(f instanceof Boolean)) {
                throw new InvalidConfigException("force", "must be true or false");
            }
            force = Boolean.TRUE.equals(f);
        } catch (InvalidConfigException e) {
            return done(text(HttpStatus.BAD_REQUEST, e.getMessage()));
        }
        StatusSnapshot s = facade.snapshot();
        LeaderRecord leader = s.cluster().leader();
        if (leader == null || !s.cluster().members().containsKey(leader.member())) {
            return done(text(HttpStatus.SERVICE_UNAVAILABLE, "Cluster has no leader, can not reinitialize"));
        }
        if (leader.member().equals(s.memberName()) || s.local().isWritablePrimary()) {
            return done(text(HttpStatus.SERVICE_UNAVAILABLE, "I am the leader, can not reinitialize"));
        }
        return submit(Kind.REINITIALIZE, force, REINITIALIZE_WAIT);
    }

    private CompletableFuture<MutableHttpResponse<?>> submit(Kind kind, boolean force, Duration wait) {
        String busy = facade.operationInProgress();
        CompletableFuture<OperationResult> result = busy != null && !force ? null : facade.operate(kind, force);
        if (result == null) {
            return done(text(HttpStatus.SERVICE_UNAVAILABLE, (busy == null ? "another operation" : busy)
                    + " already in progress"));
        }
        String label = kind == Kind.RESTART ? "restart" : "reinitialize";
        return result.completeOnTimeout(new OperationResult(false, label + " still in progress after "
                        + wait.toSeconds() + " s; see GET /patroni"), wait.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(r -> r.ok() ? text(HttpStatus.OK, r.message())
                        : text(HttpStatus.SERVICE_UNAVAILABLE, r.message()));
    }

    private static MutableHttpResponse<?> text(SwitchoverOutcome outcome) {
        return text(HttpStatus.valueOf(outcome.status()), outcome.message());
    }

    private static MutableHttpResponse<?> text(HttpStatus status, String message) {
        return HttpResponse.status(status).contentType(MediaType.TEXT_PLAIN_TYPE).body(message);
    }

    private static CompletableFuture<MutableHttpResponse<?>> done(MutableHttpResponse<?> response) {
        return CompletableFuture.completedFuture(response);
    }
}
