package io.raftgres.api;

import io.raftgres.core.model.DynamicConfig;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link AgentFacade} whose snapshot a test sets directly, standing in for the agent's HA
 * loop. Thread-safe: tests write from the JUnit thread while Netty threads read.
 */
final class FakeAgentFacade implements AgentFacade {

    private volatile StatusSnapshot snapshot;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger writes = new AtomicInteger();
    private volatile ConfigWrite nextWriteOutcome;

    FakeAgentFacade(StatusSnapshot initial) {
        this.snapshot = initial;
    }

    void set(StatusSnapshot next) {
        this.snapshot = next;
    }

    private volatile String startingReason;

    /** Makes the agent say it is starting ({@code reason}), or up again with null. */
    void starting(String reason) {
        this.startingReason = reason;
    }

    @Override
    public String startingReason() {
        return startingReason;
    }

    /** How many times the API asked for a snapshot. */
    int calls() {
        return calls.get();
    }

    @Override
    public StatusSnapshot snapshot() {
        calls.incrementAndGet();
        return snapshot;
    }

    /** How many config writes reached the agent. */
    int writes() {
        return writes.get();
    }

    /** Makes the next write end with {@code outcome} instead of being applied. */
    void failNextWrite(ConfigWrite outcome) {
        this.nextWriteOutcome = outcome;
    }

    /**
     * Applies like the state machine: compare-and-set on the version, then the snapshot's cluster
     * state carries the new config (version + 1).
     */
    @Override
    public synchronized CompletableFuture<ConfigWrite> writeConfig(DynamicConfig next, long expectedVersion) {
        writes.incrementAndGet();
        ConfigWrite forced = nextWriteOutcome;
        if (forced != null) {
            nextWriteOutcome = null;
            return CompletableFuture.completedFuture(forced);
        }
        StatusSnapshot s = snapshot;
        long current = s.cluster().config().version();
        if (expectedVersion >= 0 && expectedVersion != current) {
            return CompletableFuture.completedFuture(ConfigWrite.conflict("config version is " + current));
        }
        DynamicConfig applied = next.withVersion(current + 1);
        snapshot = new StatusSnapshot(s.scope(), s.memberName(), s.version(), s.local(), s.raft(),
                s.cluster().withConfig(applied), s.leaderWithLease(), s.pgState(), s.replication(), s.tags(),
                s.watchdogFailed(), s.postmasterStartMillis(), s.raftLastSeenMillis(), s.lastLoopMillis(),
                applied.pause(), s.apiUrl(), s.pgHost(), s.pgPort());
        return CompletableFuture.completedFuture(ConfigWrite.applied(applied));
    }

    private final java.util.List<io.raftgres.core.model.OperatorRequest.Kind> operations =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile OperationResult nextOperationOutcome = new OperationResult(true, "restarted successfully");
    private volatile String inProgress;

    /** The operations that reached the agent, in order. */
    java.util.List<io.raftgres.core.model.OperatorRequest.Kind> operations() {
        return operations;
    }

    /** Ends the next operations with {@code outcome}; null leaves them running (the answer times out). */
    void operationOutcome(OperationResult outcome) {
        this.nextOperationOutcome = outcome;
    }

    /** Pretends an operation named {@code label} is in progress (null: none). */
    void inProgress(String label) {
        this.inProgress = label;
    }

    @Override
    public CompletableFuture<OperationResult> operate(io.raftgres.core.model.OperatorRequest.Kind kind, boolean force) {
        if (inProgress != null && !force) {
            return null;
        }
        operations.add(kind);
        OperationResult outcome = nextOperationOutcome;
        return outcome == null ? new CompletableFuture<>() : CompletableFuture.completedFuture(outcome);
    }

    @Override
    public String operationInProgress() {
        return inProgress;
    }

    private volatile ReloadResult reloadResult = ReloadResult.of(List.of(), List.of());

    /** What the next {@code POST /reload} reports. */
    void reloadResult(ReloadResult result) {
        this.reloadResult = result;
    }

    @Override
    public CompletableFuture<ReloadResult> reload() {
        return CompletableFuture.completedFuture(reloadResult);
    }

    private final java.util.List<io.raftgres.core.model.ScheduledRestart> restartSchedules =
            java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final AtomicInteger restartCancels = new AtomicInteger();

    /** The scheduled restarts that reached the agent, in order. */
    java.util.List<io.raftgres.core.model.ScheduledRestart> restartSchedules() {
        return restartSchedules;
    }

    /** How many DELETE /restart reached the agent. */
    int restartCancels() {
        return restartCancels.get();
    }

    @Override
    public CompletableFuture<SwitchoverOutcome> scheduleRestart(io.raftgres.core.model.ScheduledRestart restart) {
        restartSchedules.add(restart);
        return CompletableFuture.completedFuture(SwitchoverOutcome.scheduled("Restart scheduled"));
    }

    @Override
    public CompletableFuture<SwitchoverOutcome> cancelScheduledRestart() {
        restartCancels.incrementAndGet();
        return CompletableFuture.completedFuture(SwitchoverOutcome.done("scheduled restart deleted"));
    }
}
