package io.raftgres.agent;

import io.raftgres.ha.AgentIdentity;
import io.raftgres.ha.ClusterStore;
import io.raftgres.ha.HaLoop;
import io.raftgres.ha.LocalTracker;
import io.raftgres.ha.MemberLiveness;
import io.raftgres.api.AgentFacade;
import io.raftgres.api.ConfigWrite;
import io.raftgres.api.StatusSnapshot;
import io.raftgres.api.WalSenderInfo;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.RaftView;
import io.raftgres.pgcontrol.PgCtlPostgresControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The agent side of the REST API. Built from the HA loop's last cycle, except the lease,
 * which is read live (cheap) so that /primary turns 503 the moment the lease lapses, not a
 * cycle later.
 *
 * <p>{@link #snapshot} runs on Netty event-loop threads and never touches PostgreSQL: the
 * extras that cost a query (wal senders, postmaster start) are served from the last value a
 * background refresh fetched, and a stale value only starts the next refresh (at most one in
 * flight). A hung PostgreSQL therefore delays those two fields, never a health check.
 */
final class AgentStatus implements AgentFacade {
    private static final Logger LOG = LoggerFactory.getLogger(AgentStatus.class);
    private static final long EXTRAS_TTL_MILLIS = 1000;

    private final AgentIdentity me;
    private final Supplier<HaLoop.Cycle> lastCycle;
    private final ClusterStore store;
    private final Function<LocalPgState, Extras> extrasQuery;
    private final Executor refresher;
    private final LocalTracker tracker;
    private final BooleanSupplier watchdogFailed;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final ConfigWriter configWriter;
    private final MemberLiveness liveness;
    private volatile long raftLastSeenMillis;
    private volatile Extras extras = new Extras(List.of(), null, 0);
    private volatile io.raftgres.ha.OperatorRequests operations;
    private volatile Supplier<io.raftgres.api.ReloadResult> reload;
    private volatile SwitchoverRequests switchovers;
    private volatile RestartSchedules restartSchedules;

    /** What a query of PostgreSQL adds to the cycle's state, and when it was fetched. */
    record Extras(List<WalSenderInfo> replication, Long postmasterStart, long at) { }

    /** As below, with every member counted as reporting (no liveness tracking). */
    AgentStatus(AgentIdentity me, Supplier<HaLoop.Cycle> lastCycle, ClusterStore store,
                Function<LocalPgState, Extras> extrasQuery, Executor refresher, LocalTracker tracker,
                BooleanSupplier watchdogFailed) {
        this(me, lastCycle, store, extrasQuery, refresher, tracker, watchdogFailed, null);
    }

    /**
     * @param extrasQuery queries PostgreSQL for the extras given the cycle's local state; may block
     * @param refresher   runs {@code extrasQuery}, never on the caller's thread
     * @param liveness    which members went silent (shown in /cluster); null: none
     */
    AgentStatus(AgentIdentity me, Supplier<HaLoop.Cycle> lastCycle, ClusterStore store,
                Function<LocalPgState, Extras> extrasQuery, Executor refresher, LocalTracker tracker,
                BooleanSupplier watchdogFailed, MemberLiveness liveness) {
        this.me = me;
        this.lastCycle = lastCycle;
        this.store = store;
        this.extrasQuery = extrasQuery;
        this.refresher = refresher;
        this.tracker = tracker;
        this.watchdogFailed = watchdogFailed;
        this.configWriter = new ConfigWriter(me, store);
        this.liveness = liveness;
    }

    @Override
    public CompletableFuture<ConfigWrite> writeConfig(DynamicConfig next, long expectedVersion) {
        return configWriter.write(next, expectedVersion);
    }

    /** Accepts the operator's restart and reinitialize into {@code requests}, which the HA loop carries out. */
    void acceptOperations(io.raftgres.ha.OperatorRequests requests) {
        this.operations = requests;
    }

    @Override
    public CompletableFuture<io.raftgres.api.OperationResult> operate(io.raftgres.core.model.OperatorRequest.Kind kind,
                                                                     boolean force) {
        io.raftgres.ha.OperatorRequests ops = operations;
        if (ops == null) {
            return AgentFacade.super.operate(kind, force);
        }
        CompletableFuture<io.raftgres.ha.OperatorRequests.Outcome> done = ops.submit(kind, force);
        return done == null ? null : done.thenApply(o -> new io.raftgres.api.OperationResult(o.ok(), o.message()));
    }

    /** {@code POST /reload} runs {@code reload} (re-reads the YAML; file I/O, never PostgreSQL). */
    void acceptReload(Supplier<io.raftgres.api.ReloadResult> reload) {
        this.reload = reload;
    }

    @Override
    public CompletableFuture<io.raftgres.api.ReloadResult> reload() {
        Supplier<io.raftgres.api.ReloadResult> r = reload;
        return r == null ? AgentFacade.super.reload() : CompletableFuture.supplyAsync(r, refresher);
    }

    @Override
    public String operationInProgress() {
        io.raftgres.ha.OperatorRequests ops = operations;
        return ops == null ? null : ops.inProgress();
    }

    /** Carries out POST /switchover, /failover and DELETE /switchover through {@code requests}. */
    AgentStatus withSwitchovers(SwitchoverRequests requests) {
        this.switchovers = requests;
        return this;
    }

    @Override
    public CompletableFuture<io.raftgres.api.SwitchoverOutcome> switchover(io.raftgres.api.SwitchoverCall call) {
        return switchovers == null ? AgentFacade.super.switchover(call) : switchovers.request(call);
    }

    @Override
    public CompletableFuture<io.raftgres.api.SwitchoverOutcome> cancelSwitchover() {
        return switchovers == null ? AgentFacade.super.cancelSwitchover() : switchovers.cancel();
    }

    /** Carries out POST /restart with a schedule and DELETE /restart through {@code schedules}. */
    AgentStatus withRestartSchedules(RestartSchedules schedules) {
        this.restartSchedules = schedules;
        return this;
    }

    @Override
    public CompletableFuture<io.raftgres.api.SwitchoverOutcome> scheduleRestart(
            io.raftgres.core.model.ScheduledRestart restart) {
        RestartSchedules r = restartSchedules;
        return r == null ? AgentFacade.super.scheduleRestart(restart) : r.schedule(restart);
    }

    @Override
    public CompletableFuture<io.raftgres.api.SwitchoverOutcome> cancelScheduledRestart() {
        RestartSchedules r = restartSchedules;
        return r == null ? AgentFacade.super.cancelScheduledRestart() : r.cancel();
    }

    /** The production query over {@code pg} (current control, re-read at each refresh). */
    static Function<LocalPgState, Extras> query(Supplier<PgCtlPostgresControl> pg) {
        return local -> {
            PgCtlPostgresControl control = pg.get();
            List<WalSenderInfo> senders = !local.isWritablePrimary() ? List.of() : control.walSenders().stream()
                    .map(w -> new WalSenderInfo(w.usename(), w.applicationName(), w.clientAddr(), w.state(),
                            w.syncState(), w.syncPriority()))
                    .toList();
            Long start = local.running() ? control.postmasterStartMillis().orElse(null) : null;
            return new Extras(senders, start, System.currentTimeMillis());
        };
    }

    @Override
    public StatusSnapshot snapshot() {
        HaLoop.Cycle cycle = lastCycle.get();
        RaftView raft = store.view();
        ClusterState state = store.state();
        long now = System.currentTimeMillis();
        if (raft.quorumReachable()) {
            raftLastSeenMillis = now;
        }
        LocalPgState local = cycle == null ? LocalPgState.empty() : cycle.local();
        boolean primary = raft.isLeaderWithLease() && holdsKey(state, raft) && local.isWritablePrimary()
                && tracker.mayBeWritable();
        Extras x = extras;
        if (now - x.at() >= EXTRAS_TTL_MILLIS) {
            refresh(local);
        }
        return new StatusSnapshot(me.scope(), me.name(), me.version(), local, raft, state, primary,
                local.stateText(), x.replication(), me.tags(), watchdogFailed.getAsBoolean(), x.postmasterStart(),
                raftLastSeenMillis, cycle == null ? 0 : cycle.atEpochMillis(), state.paused(), me.apiUrl(), me.pgHost(),
                me.pgPort(), liveness == null ? Set.of()
                : liveness.silent(state, System.nanoTime() / 1_000_000));
    }

    private boolean holdsKey(ClusterState state, RaftView raft) {
        LeaderRecord leader = state.leader();
        return leader != null && leader.member().equals(me.name()) && leader.term() == raft.term();
    }

    /** Starts one background refresh unless one is in flight; a failed one keeps the last value. */
    private void refresh(LocalPgState local) {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            refresher.execute(() -> {
                try {
                    extras = extrasQuery.apply(local);
                } catch (RuntimeException e) {
                    LOG.debug("reading wal senders and postmaster start failed: {}", e.getMessage());
                } finally {
                    refreshing.set(false);
                }
            });
        } catch (RuntimeException e) {
            refreshing.set(false); // executor shut down: the agent is stopping
        }
    }
}
