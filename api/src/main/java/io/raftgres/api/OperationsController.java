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
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.OperatorRequest.Kind;
import io.raftgres.core.model.PgRole;

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
        if (!s.cluster().isInitialized()) {
            return done(text(HttpStatus.SERVICE_UNAVAILABLE, "restart conditions are not satisfied: the cluster is "
                    + "not initialized"));
        }
        String unmet = unmetCondition(request, s);
        if (unmet != null) {
            return done(text(HttpStatus.SERVICE_UNAVAILABLE, "restart conditions are not satisfied: " + unmet));
        }
        Duration wait = request.timeoutSeconds() > 0 ? Duration.ofSeconds(request.timeoutSeconds()) : RESTART_WAIT;
        return submit(Kind.RESTART, false, wait);
    }

    @Delete(value = "/restart", consumes = MediaType.ALL, produces = MediaType.TEXT_PLAIN)
    MutableHttpResponse<?> cancelRestart() {
        // POST /restart refuses a schedule, so there is never one to delete.
        return text(HttpStatus.NOT_FOUND, "no restarts are scheduled");
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

    /** Why {@code request}'s conditions do not hold on this member now, else null. */
    private static String unmetCondition(RestartRequest request, StatusSnapshot s) {
        PgRole role = s.local().isWritablePrimary() ? PgRole.PRIMARY
                : s.local().isRunningReplica() ? PgRole.REPLICA : null;
        if (request.role() != null && request.role() != role) {
            return "this member is " + (role == null ? "not running" : "a " + role.name().toLowerCase())
                    + ", not a " + request.role().name().toLowerCase();
        }
        MemberRecord mine = s.cluster().members().get(s.memberName());
        if (request.restartPending() && (mine == null || mine.pendingRestart().isEmpty())) {
            return "no parameter is pending a restart here";
        }
        int running = s.local().serverVersion();
        if (request.postgresVersion() > 0 && running > 0 && running >= request.postgresVersion()) {
            return "PostgreSQL " + running + " is not older than " + request.postgresVersion();
        }
        return null;
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

    private static MutableHttpResponse<?> text(HttpStatus status, String message) {
        return HttpResponse.status(status).contentType(MediaType.TEXT_PLAIN_TYPE).body(message);
    }

    private static CompletableFuture<MutableHttpResponse<?>> done(MutableHttpResponse<?> response) {
        return CompletableFuture.completedFuture(response);
    }
}
