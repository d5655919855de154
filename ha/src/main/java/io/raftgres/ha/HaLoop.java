package io.raftgres.ha;

import io.raftgres.core.decide.Decision;
import io.raftgres.core.decide.HaDecider;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ClusterView;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.spi.HaEvents;
import io.raftgres.core.spi.PostgresControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The HA loop (ARCHITECTURE §5): gather (local PostgreSQL, Raft view, replicated state),
 * decide (pure, in core), execute, and log the cycle's sentence through {@link DecisionLogger}
 * (every change at once, an unchanged decision as a once-a-minute heartbeat); the cycle keeps the
 * term in the MDC under {@link #MDC_TERM}, so each of its lines reads {@code [member term=N] ...}. Runs on its own {@link Scheduler} (one thread in the agent,
 * the event scheduler in the simulation) every loop_wait, woken early by state changes,
 * finished background jobs and committed claims; a wake-up at least {@link #MIN_GAP_MILLIS} after
 * the last cycle, a decision's recheck at least {@link #MIN_RECHECK_MILLIS} after it.
 *
 * <p>A cycle ends when its decision's actions did ({@link ActionExecutor#execute} may wait for Raft
 * commits without holding the thread): the next cycle is scheduled only then, so two decisions
 * never interleave, and a wake-up that arrives meanwhile is kept for the end of the cycle.
 *
 * <p>Threading: cycles run on the scheduler only; {@link #wake()} and {@link #stop()} may be
 * called from any thread and hand their work to the scheduler.
 */
public final class HaLoop {
    private static final Logger LOG = LoggerFactory.getLogger("raftgres.ha");
    /** The MDC key of the Raft term on the loop's lines (the agent's log pattern prints it). */
    public static final String MDC_TERM = "term";

    /** Sleeps at least this long between cycles so a burst of wake-ups cannot spin the loop. */
    static final long MIN_GAP_MILLIS = 50;

    /** The shortest wait after a cycle, whatever the decision's {@code recheckIn}: a loop never spins. */
    static final long MIN_RECHECK_MILLIS = 10;

    /** What the last cycle saw and decided, for the REST API. */
    public record Cycle(ClusterState state, RaftView raft, LocalPgState local, Decision decision,
                        long atEpochMillis) { }

    private final AgentIdentity me;
    private final ClusterStore store;
    private final PostgresControl pg;
    private final HaDecider decider;
    private final ActionExecutor executor;
    private final MemberPublisher publisher;
    private final LocalTracker tracker;
    private final Clock clock;
    private final Scheduler scheduler;
    private final MemberLiveness liveness;
    private final CompletableFuture<String> stopped = new CompletableFuture<>();
    /** Completes once the loop was stopped and no cycle is in flight ({@link #stop()}). */
    private final CompletableFuture<Void> idle = new CompletableFuture<>();
    private volatile boolean running = true;
    private volatile Cycle last;
    private volatile String fatal;
    private DecisionLogger decisions = new DecisionLogger(LOG, true);
    private volatile HaEvents events = HaEvents.NONE;
    private volatile OperatorRequests requests;
    private volatile ScheduledRestarts scheduledRestarts;
    private volatile LapseJudge lapses;
    // Confined to the scheduler.
    private Scheduler.Cancellable next;
    private long nextAtMillis = Long.MAX_VALUE;
    private long lastEndMillis = Long.MIN_VALUE / 2;
    /** A cycle's actions are still running; wake-ups meanwhile set {@link #wokenDuringCycle}. */
    private boolean inCycle;
    private boolean wokenDuringCycle;

    public HaLoop(AgentIdentity me, ClusterStore store, PostgresControl pg, HaDecider decider,
                  ActionExecutor executor, MemberPublisher publisher, LocalTracker tracker, Clock clock,
                  Scheduler scheduler, MemberLiveness liveness) {
        this.me = me;
        this.store = store;
        this.pg = pg;
        this.decider = decider;
        this.executor = executor;
        this.publisher = publisher;
        this.tracker = tracker;
        this.clock = clock;
        this.scheduler = scheduler;
        this.liveness = liveness;
    }

    /**
     * With the lease gate: tells the decider when a lapse is held by the gate alone (the same judge as the
     * lease guard's), so the loop does not fence before the lapse rule's deadline. Call before {@link #start()}.
     */
    public void judgeLapsesWith(LapseJudge judge) {
        lapses = judge;
    }

    /** {@code log.deduplicate_heartbeat_logs: false}: one line per cycle. Call before {@link #start()}. */
    public void logEveryCycle() {
        decisions = new DecisionLogger(LOG, false);
    }

    /** Reports each cycle's duration to {@code events}. Call before {@link #start()}. */
    public void reportTo(HaEvents events) {
        this.events = events;
    }

    /**
     * Carries out the operator requests recorded in {@code requests}, and this member's scheduled
     * restart through them when it is due. Call before {@link #start()}.
     */
    public void takeRequestsFrom(OperatorRequests requests) {
        this.requests = requests;
        this.scheduledRestarts = new ScheduledRestarts(me, store, requests);
    }

    /** Ends the loop for good with {@code reason}: another part of the agent found continuing unsafe. */
    public void stopFatal(String reason) {
        fatal = reason;
        running = false;
        stopped.complete(reason);
        scheduler.execute(() -> {
            if (next != null) {
                next.cancel();
            }
        });
    }

    /** Runs the first cycle now. */
    public void start() {
        scheduler.execute(() -> scheduleAt(clock.monotonicMillis()));
    }

    /** Asks for a cycle as soon as the minimum gap allows. */
    public void wake() {
        scheduler.execute(() -> {
            if (inCycle) {
                wokenDuringCycle = true;
            } else {
                scheduleAt(Math.max(clock.monotonicMillis(), lastEndMillis + MIN_GAP_MILLIS));
            }
        });
    }

    /**
     * Ends the loop: no cycle starts from now on. The stage completes on the scheduler once no cycle is
     * in flight (at once when none is, else when the running cycle's actions ended), so the agent's
     * shutdown stops PostgreSQL only after the last decision. It never completes once the scheduler
     * dropped its tasks; callers bound their wait.
     */
    public CompletionStage<Void> stop() {
        running = false;
        stopped.complete(null);
        scheduler.execute(() -> {
            if (next != null) {
                next.cancel();
            }
            if (!inCycle) {
                idle.complete(null);
            }
        });
        return idle;
    }

    public Cycle lastCycle() {
        return last;
    }

    /** Non-null when the loop stopped because continuing would be unsafe. */
    public String fatalReason() {
        return fatal;
    }

    /** Waits until the loop stops: the fatal reason, or null after {@link #stop()}. */
    public String awaitStopped() throws InterruptedException {
        try {
            return stopped.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private void scheduleAt(long atMillis) {
        if (!running || atMillis >= nextAtMillis) {
            return;
        }
        if (next != null) {
            next.cancel();
        }
        nextAtMillis = atMillis;
        next = scheduler.schedule(Math.max(0, atMillis - clock.monotonicMillis()), this::runCycle);
    }

    private void runCycle() {
        next = null;
        nextAtMillis = Long.MAX_VALUE;
        if (!running || inCycle) {
            return;
        }
        inCycle = true;
        wokenDuringCycle = false;
        long started = clock.monotonicMillis();
        CompletionStage<Long> waitMillis;
        try {
            waitMillis = cycle();
        } catch (RuntimeException e) {
            waitMillis = CompletableFuture.failedFuture(e);
        }
        waitMillis.whenComplete((wait, error) -> endCycle(started, wait, error));
    }

    /** On the scheduler: the cycle's actions ended; schedules the next cycle. */
    private void endCycle(long startedMillis, Long waitMillis, Throwable error) {
        inCycle = false;
        long wait;
        if (error == null) {
            events.cycleCompleted((clock.monotonicMillis() - startedMillis) * 1_000_000);
            wait = waitMillis;
        } else {
            LOG.error("unexpected error in the HA cycle, will try again: {}", error.toString(), error);
            wait = 1000;
        }
        if (fatal != null) {
            running = false;
            stopped.complete(fatal);
        }
        if (!running) {
            idle.complete(null);
            return;
        }
        lastEndMillis = clock.monotonicMillis();
        // A decision that asks to look again at once still waits MIN_RECHECK_MILLIS: in simulated time,
        // where a cycle takes no time, a repeated "recheck in 0 ms" never let the clock move.
        long sleep = Math.max(MIN_RECHECK_MILLIS, wait);
        scheduleAt(lastEndMillis + (wokenDuringCycle ? Math.min(sleep, MIN_GAP_MILLIS) : sleep));
    }

    /** One gather-decide-execute round; completes, when the actions ended, with how long to sleep. */
    CompletionStage<Long> cycle() {
        long now = clock.monotonicMillis();
        LocalPgState local = tracker.merge(pg.observe(), now);
        ClusterState state = store.state();
        RaftView raft = store.view();
        MDC.put(MDC_TERM, Long.toString(raft.term()));
        MemberRecord namesake = state.members().get(me.name());
        if (namesake != null && !me.raftAddress().equals(namesake.raftAddress())) {
            fatal = "the member name " + me.name() + " is already used by the member at " + namesake.raftAddress()
                    + "; every member needs its own name";
            LOG.error("refusing to continue: {}", fatal);
            return CompletableFuture.completedFuture(0L);
        }
        publisher.maybePublish(local, raft, now);
        if (scheduledRestarts != null) {
            scheduledRestarts.evaluate(state, local, clock.wallMillis());
        }
        io.raftgres.core.model.OperatorRequest request = requests == null ? null : requests.advance(local);
        LapseJudge judge = lapses;
        boolean gateHolds = judge != null && judge.now().reason() == io.raftgres.core.timing.LapseRule.Reason.GATE_HOLDS;
        Decision decision = decider.decide(new ClusterView(state, raft, liveness.silent(state, now),
                clock.wallMillis(), gateHolds), local, request, now);
        decisions.log(raft.term(), decision, now);
        last = new Cycle(state, raft, local, decision, clock.wallMillis());
        long loopWait = Math.max(100, state.config().loopWaitMillis());
        long wait = decision.recheckInMillis() >= 0 ? Math.min(loopWait, decision.recheckInMillis()) : loopWait;
        return executor.execute(decision).thenApply(done -> wait);
    }
}
