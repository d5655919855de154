package io.raftgres.api;

/**
 * What the REST API may ask of the agent: one read of the state the agent's last HA cycle
 * gathered, and a dynamic-config write through Raft. The API never reaches PostgreSQL or Raft itself, so a health probe can neither
 * stall nor add load to the database or the consensus group.
 *
 * <p>Contract for implementations (the agent):
 * <ul>
 *   <li>{@link #snapshot()} is cheap and non-blocking: it returns a reference to an immutable
 *       value the HA loop published (for example through a volatile field or an
 *       {@code AtomicReference}). It must not query PostgreSQL, wait for a Raft round trip,
 *       take a lock held across I/O, or throw. Values that cost a query are fetched off the
 *       request thread and served as last fetched, so a hung PostgreSQL never stalls a health
 *       check.</li>
 *   <li>It is called concurrently from Netty event-loop threads, once or more per request.
 *       Each call may return a different snapshot; the API reads one per request and uses
 *       only that one, so every answer is internally consistent.</li>
 *   <li>Before the first HA cycle completes the agent still returns a snapshot (PostgreSQL
 *       state "starting" or "stopped", an empty cluster state), never {@code null}.</li>
 * </ul>
 */
public interface AgentFacade {

    /** The state from the agent's most recent HA cycle; never null, never blocks. */
    StatusSnapshot snapshot();

    /**
     * While the agent is still starting (the REST API answers before Raft and the HA loop run): one
     * sentence saying so, which every write request gets with 503 once it has passed the access
     * checks; null once the agent serves its real state. Cheap and non-blocking, as {@link #snapshot()}.
     */
    default String startingReason() {
        return null;
    }

    /**
     * Submits a new dynamic configuration through Raft (forwarded to the Raft leader when this
     * member is a follower). Must not block: the future completes when the command is applied,
     * refused, or after a bounded wait (then {@link ConfigWrite.Outcome#UNAVAILABLE}); it never
     * completes exceptionally.
     *
     * @param next            the validated configuration (its version is ignored)
     * @param expectedVersion the version it replaces; -1 to replace whatever is there
     */
    java.util.concurrent.CompletableFuture<ConfigWrite> writeConfig(io.raftgres.core.model.DynamicConfig next,
                                                                   long expectedVersion);

    /**
     * Records an operator's restart or reinitialize for the HA loop to carry out (the API has
     * checked the preconditions on the snapshot). Must not block. Null when another operation is
     * in progress and {@code force} is false; otherwise a future that completes when the
     * operation is done or failed, never exceptionally. An agent without operations returns a
     * future that says so.
     */
    default java.util.concurrent.CompletableFuture<OperationResult> operate(
            io.raftgres.core.model.OperatorRequest.Kind kind, boolean force) {
        return java.util.concurrent.CompletableFuture.completedFuture(
                new OperationResult(false, "operations are not available on this agent"));
    }

    /** The operation in progress on this member ("restart", "reinitialize"), else null. */
    default String operationInProgress() {
        return null;
    }

    /**
     * {@code POST /reload}: re-reads the agent's local configuration and applies what can change
     * at runtime. Must not block the caller; the future never completes exceptionally.
     */
    default java.util.concurrent.CompletableFuture<ReloadResult> reload() {
        return java.util.concurrent.CompletableFuture.completedFuture(
                ReloadResult.invalid("reload is not available on this agent"));
    }

    /**
     * Submits a validated switchover or manual failover through Raft and, unless it is scheduled,
     * waits for its outcome (bounded). Never completes exceptionally. The default answers that this
     * agent cannot do it (for facades without an HA loop).
     */
    default java.util.concurrent.CompletableFuture<SwitchoverOutcome> switchover(SwitchoverCall call) {
        return java.util.concurrent.CompletableFuture.completedFuture(
                SwitchoverOutcome.failed("this agent does not carry out switchovers"));
    }

    /** Removes the scheduled switchover through Raft (DELETE /switchover). Never completes exceptionally. */
    default java.util.concurrent.CompletableFuture<SwitchoverOutcome> cancelSwitchover() {
        return java.util.concurrent.CompletableFuture.completedFuture(
                SwitchoverOutcome.failed("this agent does not carry out switchovers"));
    }

    /**
     * Schedules a restart of this member through Raft ({@code POST /restart} with a schedule; the API
     * has checked the time). Never completes exceptionally: 202 scheduled, 409 another one is, 503
     * not written.
     */
    default java.util.concurrent.CompletableFuture<SwitchoverOutcome> scheduleRestart(
            io.raftgres.core.model.ScheduledRestart restart) {
        return java.util.concurrent.CompletableFuture.completedFuture(
                SwitchoverOutcome.failed("this agent does not schedule restarts"));
    }

    /** Removes this member's scheduled restart through Raft: 200, 404 none, 503. Never completes exceptionally. */
    default java.util.concurrent.CompletableFuture<SwitchoverOutcome> cancelScheduledRestart() {
        return java.util.concurrent.CompletableFuture.completedFuture(
                SwitchoverOutcome.failed("this agent does not schedule restarts"));
    }
}
