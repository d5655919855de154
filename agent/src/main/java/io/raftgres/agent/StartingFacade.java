package io.raftgres.agent;

import io.raftgres.api.AgentFacade;
import io.raftgres.api.ConfigWrite;
import io.raftgres.api.OperationResult;
import io.raftgres.api.ReloadResult;
import io.raftgres.api.StatusSnapshot;
import io.raftgres.api.SwitchoverCall;
import io.raftgres.api.SwitchoverOutcome;
import io.raftgres.ha.AgentIdentity;
import io.raftgres.core.model.Activity;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.OperatorRequest;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.model.ScheduledRestart;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * What the REST API serves from the moment it listens, before Raft and the HA loop exist. Until the
 * agent {@linkplain #handOver hands over} its status and the HA loop has completed its first cycle,
 * it answers for a member that is starting, as Patroni does before its HA loop's first cycle: state
 * "starting", role "stopped" ("uninitialized" without a data directory), no leader key, no lease and
 * PostgreSQL not running, so every role and health check ({@code /primary}, {@code /leader},
 * {@code /read-write}, {@code /replica}, {@code /read-only}, {@code /health}, {@code /readiness}, ...)
 * answers 503 and {@code /liveness} 200 for its usual bound counted from the agent's start (Patroni
 * counts from its own start, too). Every write gets 503 with {@link #startingReason()}. From the
 * first cycle on it forwards everything to the agent's status and never goes back.
 *
 * <p>Nothing here reads PostgreSQL, Raft or a clock per request: the starting snapshot is built once.
 * Thread-safe: the hand-over is one volatile write, read by Netty event-loop threads.
 */
final class StartingFacade implements AgentFacade {
    static final String STARTING = "starting";
    private static final String REASON = "raftgres is starting: this member has not joined Raft and run its first"
            + " HA cycle yet; nothing was changed, try again when /patroni no longer says state \"starting\"";

    /** The agent's status and whether its HA loop has completed a cycle. */
    private record Agent(AgentFacade status, BooleanSupplier firstCycleDone) { }

    private final StatusSnapshot starting;
    private volatile Agent agent;
    private volatile boolean serving;

    /**
     * @param hasDataDirectory whether the data directory holds a PostgreSQL cluster (shown as role
     *                         "stopped" rather than "uninitialized")
     * @param startedAtMillis  the agent's start, wall clock: {@code /liveness} counts from it
     */
    StartingFacade(AgentIdentity me, boolean hasDataDirectory, long startedAtMillis) {
        LocalPgState local = new LocalPgState(hasDataDirectory, null, ControlState.UNKNOWN, false, false, 0,
                Lsn.ZERO, Lsn.ZERO, false, null, null, Activity.NONE, null, Activity.NONE,
                -1, 0, null);
        RaftView noRaft = new RaftView(0, RaftRole.UNKNOWN, null, false, false, -1, false);
        this.starting = new StatusSnapshot(me.scope(), me.name(), me.version(), local, noRaft,
                ClusterState.empty(me.scope()), false, STARTING, List.of(), me.tags(), false, null, 0,
                startedAtMillis, false, me.apiUrl(), me.pgHost(), me.pgPort(), Set.of());
    }

    /**
     * Serves {@code status} from the first request after {@code firstCycleDone} is true (the state
     * the HA loop gathered, not an empty one). Called once, by the agent, when it is wired.
     */
    void handOver(AgentFacade status, BooleanSupplier firstCycleDone) {
        this.agent = new Agent(status, firstCycleDone);
    }

    /** The agent's status once it serves, else null (still starting). */
    private AgentFacade serving() {
        Agent a = agent;
        if (a == null) {
            return null;
        }
        if (!serving && a.firstCycleDone().getAsBoolean()) {
            serving = true;
        }
        return serving ? a.status() : null;
    }

    @Override
    public StatusSnapshot snapshot() {
        AgentFacade a = serving();
        return a == null ? starting : a.snapshot();
    }

    @Override
    public String startingReason() {
        return serving() == null ? REASON : null;
    }

    @Override
    public CompletableFuture<ConfigWrite> writeConfig(DynamicConfig next, long expectedVersion) {
        AgentFacade a = serving();
        return a == null ? CompletableFuture.completedFuture(ConfigWrite.unavailable(REASON))
                : a.writeConfig(next, expectedVersion);
    }

    @Override
    public CompletableFuture<OperationResult> operate(OperatorRequest.Kind kind, boolean force) {
        AgentFacade a = serving();
        return a == null ? CompletableFuture.completedFuture(new OperationResult(false, REASON)) : a.operate(kind, force);
    }

    @Override
    public String operationInProgress() {
        AgentFacade a = serving();
        return a == null ? null : a.operationInProgress();
    }

    @Override
    public CompletableFuture<ReloadResult> reload() {
        AgentFacade a = serving();
        return a == null ? CompletableFuture.completedFuture(ReloadResult.invalid(REASON)) : a.reload();
    }

    @Override
    public CompletableFuture<SwitchoverOutcome> switchover(SwitchoverCall call) {
        return whenServing(a -> a.switchover(call));
    }

    @Override
    public CompletableFuture<SwitchoverOutcome> cancelSwitchover() {
        return whenServing(a -> a.cancelSwitchover());
    }

    @Override
    public CompletableFuture<SwitchoverOutcome> scheduleRestart(ScheduledRestart restart) {
        return whenServing(a -> a.scheduleRestart(restart));
    }

    @Override
    public CompletableFuture<SwitchoverOutcome> cancelScheduledRestart() {
        return whenServing(a -> a.cancelScheduledRestart());
    }

    /** {@code call} on the agent once it serves; while starting, the refusal every such write gets. */
    private CompletableFuture<SwitchoverOutcome> whenServing(
            java.util.function.Function<AgentFacade, CompletableFuture<SwitchoverOutcome>> call) {
        AgentFacade a = serving();
        return a == null ? unavailable() : call.apply(a);
    }

    private static CompletableFuture<SwitchoverOutcome> unavailable() {
        return CompletableFuture.completedFuture(SwitchoverOutcome.failed(REASON));
    }
}
