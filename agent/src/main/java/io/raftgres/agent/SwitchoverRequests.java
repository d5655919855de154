package io.raftgres.agent;

import io.raftgres.api.RaftgresMetrics;
import io.raftgres.api.SwitchoverCall;
import io.raftgres.api.SwitchoverOutcome;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.Switchover;
import io.raftgres.ha.AgentIdentity;
import io.raftgres.ha.ClusterStore;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Commits a REST switchover, manual failover or cancellation as one Raft command (a follower's is
 * forwarded to the leader by the store) and, for an immediate one, watches the applied state
 * until it ends, as Patroni's API polls its DCS: done once the leader key names another member
 * (the candidate, for a failover); failed as soon as the request carries a failure; unknown after
 * {@link #WAIT_MILLIS}. The HA loops do the work; nothing here touches PostgreSQL.
 */
final class SwitchoverRequests {
    private static final Logger LOG = LoggerFactory.getLogger("raftgres.switchover");
    /** How long an immediate request is watched before the answer is "unknown" (Patroni: 2 * max(10, loop_wait) s). */
    static final long WAIT_MILLIS = 30_000;
    private static final long SUBMIT_MILLIS = 15_000;
    private static final long POLL_MILLIS = 20;

    private final AgentIdentity me;
    private final ClusterStore store;
    private final RaftgresMetrics metrics;
    private final LongSupplier wallMillis;

    SwitchoverRequests(AgentIdentity me, ClusterStore store, RaftgresMetrics metrics, LongSupplier wallMillis) {
        this.me = me;
        this.store = store;
        this.metrics = metrics;
        this.wallMillis = wallMillis;
    }

    CompletableFuture<SwitchoverOutcome> request(SwitchoverCall call) {
        long requestedAt = wallMillis.getAsLong();
        Command command = new Command.RequestSwitchover(me.name(), store.view().term(), call.leader(), call.candidate(),
                call.scheduledAtMillis(), requestedAt);
        return commit(command).thenCompose(result -> {
            if (result.refusal() != null) {
                return CompletableFuture.completedFuture(result.refusal());
            }
            String what = call.isFailover() ? "manual failover to " + call.candidate() : "switchover from "
                    + call.leader() + (call.candidate() == null ? "" : " to " + call.candidate());
            if (call.scheduledAtMillis() > 0) {
                String at = Instant.ofEpochMilli(call.scheduledAtMillis()).toString();
                LOG.info("{} scheduled at {} through the REST API", what, at);
                return CompletableFuture.completedFuture(SwitchoverOutcome.scheduled("Switchover scheduled at " + at));
            }
            LOG.info("{} requested through the REST API", what);
            CompletableFuture<SwitchoverOutcome> outcome = new CompletableFuture<>();
            watch(call, requestedAt, outcome);
            return outcome;
        });
    }

    CompletableFuture<SwitchoverOutcome> cancel() {
        return commit(new Command.CancelSwitchover(me.name(), store.view().term())).thenApply(result -> {
            if (result.refusal() != null) {
                return result.refusal().message().startsWith("no switchover") ? new SwitchoverOutcome(404,
                        result.refusal().message()) : result.refusal();
            }
            LOG.info("scheduled switchover deleted through the REST API");
            return SwitchoverOutcome.done("scheduled switchover deleted");
        });
    }

    /** The refusal (409 for a pending one, 503 otherwise) or null when committed. */
    private record Committed(SwitchoverOutcome refusal) { }

    private CompletableFuture<Committed> commit(Command command) {
        return store.submit(command).orTimeout(SUBMIT_MILLIS, TimeUnit.MILLISECONDS).handle((ApplyResult r, Throwable e) -> {
            if (e != null) {
                LOG.warn("{} not committed: {}", command.getClass().getSimpleName(), e.toString());
                return new Committed(SwitchoverOutcome.failed("failed to write the request through Raft: " + e));
            }
            if (!r.accepted()) {
                LOG.info("{} refused: {}", command.getClass().getSimpleName(), r.rejection());
                return new Committed(new SwitchoverOutcome(r.rejection().startsWith("a switchover is already") ? 409
                        : 503, r.rejection()));
            }
            return new Committed(null);
        });
    }

    private void watch(SwitchoverCall call, long requestedAt, CompletableFuture<SwitchoverOutcome> outcome) {
        long elapsed = wallMillis.getAsLong() - requestedAt;
        ClusterState state = store.state();
        LeaderRecord key = state.leader();
        String now = key == null ? null : key.member();
        boolean done = now != null && (call.isFailover() ? now.equals(call.candidate()) : !now.equals(call.leader()));
        Switchover mine = state.switchover() != null && state.switchover().requestedAtMillis() == requestedAt
                ? state.switchover() : null;
        if (done) {
            metrics.switchedOver(call.isFailover(), elapsed);
            LOG.info("{} to {} done in {} ms", call.isFailover() ? "manual failover" : "switchover", now, elapsed);
            String verb = call.isFailover() ? "failed over" : "switched over";
            outcome.complete(SwitchoverOutcome.done(call.candidate() == null || call.candidate().equals(now)
                    ? "Successfully " + verb + " to \"" + now + "\""
                    : "Switched over to \"" + now + "\" instead of \"" + call.candidate() + "\""));
        } else if (mine != null && mine.failure() != null) {
            outcome.complete(SwitchoverOutcome.failed((call.isFailover() ? "Failover" : "Switchover") + " failed: "
                    + mine.failure()));
        } else if (elapsed >= WAIT_MILLIS) {
            outcome.complete(SwitchoverOutcome.failed("status unknown after " + WAIT_MILLIS / 1000
                    + " seconds; operation may still be in progress"));
        } else {
            CompletableFuture.delayedExecutor(POLL_MILLIS, TimeUnit.MILLISECONDS)
                    .execute(() -> watch(call, requestedAt, outcome));
        }
    }
}
