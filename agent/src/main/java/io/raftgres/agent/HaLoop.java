package io.raftgres.agent;

import io.raftgres.core.decide.Decision;
import io.raftgres.core.decide.HaDecider;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ClusterView;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.spi.PostgresControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The HA loop (ARCHITECTURE §5): gather (local PostgreSQL, Raft view, replicated state),
 * decide (pure, in core), execute, and log exactly one INFO line per cycle,
 * {@code [member term=N] sentence}. Runs on its own thread every loop_wait, woken early by
 * state changes, finished background jobs and committed claims.
 */
final class HaLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger("raftgres.ha");

    /** What the last cycle saw and decided, for the REST API. */
    record Cycle(ClusterState state, RaftView raft, LocalPgState local, Decision decision, long atEpochMillis) { }

    private final AgentIdentity me;
    private final ClusterStore store;
    private final PostgresControl pg;
    private final HaDecider decider;
    private final ActionExecutor executor;
    private final MemberPublisher publisher;
    private final LocalTracker tracker;
    private final LongSupplier monotonicMillis;
    private final MemberLiveness liveness;
    private final Semaphore wakeups = new Semaphore(0);
    private volatile boolean running = true;
    private volatile Cycle last;
    private volatile String fatal;

    HaLoop(AgentIdentity me, ClusterStore store, PostgresControl pg, HaDecider decider, ActionExecutor executor,
           MemberPublisher publisher, LocalTracker tracker, LongSupplier monotonicMillis, MemberLiveness liveness) {
        this.me = me;
        this.store = store;
        this.pg = pg;
        this.decider = decider;
        this.executor = executor;
        this.publisher = publisher;
        this.tracker = tracker;
        this.monotonicMillis = monotonicMillis;
        this.liveness = liveness;
    }

    void wake() {
        wakeups.release();
    }

    void stop() {
        running = false;
        wake();
    }

    Cycle lastCycle() {
        return last;
    }

    /** Non-null when the loop stopped because continuing would be unsafe. */
    String fatalReason() {
        return fatal;
    }

    @Override
    public void run() {
        while (running) {
            long waitMillis;
            try {
                waitMillis = cycle();
            } catch (RuntimeException e) {
                LOG.error("[{}] unexpected error in the HA cycle, will try again: {}", me.name(), e.toString(), e);
                waitMillis = 1000;
            }
            if (fatal != null) {
                return;
            }
            try {
                pause(Math.min(MIN_GAP_MILLIS, Math.max(0, waitMillis)));
                wakeups.tryAcquire(Math.max(0, waitMillis - MIN_GAP_MILLIS), TimeUnit.MILLISECONDS);
                wakeups.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One gather-decide-execute round; returns how long to sleep. */
    long cycle() {
        long now = monotonicMillis.getAsLong();
        LocalPgState local = tracker.merge(pg.observe(), now);
        ClusterState state = store.state();
        RaftView raft = store.view();
        MemberRecord namesake = state.members().get(me.name());
        if (namesake != null && !me.raftAddress().equals(namesake.raftAddress())) {
            fatal = "the member name " + me.name() + " is already used by the member at " + namesake.raftAddress()
                    + "; every member needs its own name";
            LOG.error("[{} term={}] refusing to continue: {}", me.name(), raft.term(), fatal);
            return 0;
        }
        publisher.maybePublish(local, raft, now);
        Decision decision = decider.decide(new ClusterView(state, raft, liveness.silent(state, now)), local, now);
        LOG.info("[{} term={}] {}", me.name(), raft.term(), decision.summary());
        executor.execute(decision);
        last = new Cycle(state, raft, local, decision, System.currentTimeMillis());
        long loopWait = Math.max(100, state.config().loopWaitMillis());
        return decision.recheckInMillis() >= 0 ? Math.min(loopWait, decision.recheckInMillis()) : loopWait;
    }

    /** Sleeps at least MIN_GAP_MILLIS between cycles so a burst of wake-ups cannot spin the loop. */
    private static final long MIN_GAP_MILLIS = 50;

    private static void pause(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }
}
