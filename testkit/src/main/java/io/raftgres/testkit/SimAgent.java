package io.raftgres.testkit;

import io.raftgres.core.decide.DeciderConfig;
import io.raftgres.core.decide.Decision;
import io.raftgres.core.decide.HaDecider;
import io.raftgres.core.model.Activity;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ClusterView;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.spi.StopMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One simulated raftgres agent: the real {@link HaDecider}, driven the way the agent module's
 * {@code HaLoop}, {@code LocalTracker}, {@code LeaseGuard} and {@code MemberPublisher} drive it.
 * Every loop_wait (sooner when Raft leadership, the lease or the replicated state change, or a
 * background operation ends) it observes its {@link FakePostgres}, publishes its member record,
 * decides and hands the decision to its {@link SimActionExecutor}. Independently, the lease
 * guard runs every {@code leaseCheckMillis}: while PostgreSQL may be writable here (a sticky
 * flag, set when a primary start or promotion begins and cleared by a stop or a replica probe)
 * but this member is not the leader with a valid lease holding the leader key, it removes the
 * VIP and stops PostgreSQL immediately.
 *
 * <p>Threading: single-threaded; all work happens in scheduler events, guarded by {@code epoch}
 * so nothing of a killed incarnation runs after a restart.
 */
public final class SimAgent {

    /**
     * What must change for an early wake-up: leadership, the lease, the replicated state. The
     * state is compared by identity: apply returns the same instance when nothing changed (lease
     * heartbeats), so a new instance is exactly the agent's "state changed" signal.
     */
    private record WakeKey(long term, RaftRole role, String leaderId, boolean ready, boolean lease, ClusterState state) {
        static WakeKey of(ClusterState state, RaftView view) {
            return new WakeKey(view.term(), view.role(), view.leaderId(), view.leaderReady(), view.leaseValid(), state);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WakeKey k && k.term == term && k.role == role && Objects.equals(k.leaderId,
                    leaderId) && k.ready == ready && k.lease == lease && k.state == state;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(term);
        }
    }

    final String name;
    final DeciderConfig config;
    final DynamicConfig bootstrapConfig;
    final EventScheduler scheduler;
    final SimulatedRaft raft;
    final FakePostgres pg;
    final FakeVip vip = new FakeVip();
    final FakeWatchdog watchdog;
    final AgentTiming timing;
    final RandomGenerator random;
    final Consumer<Milestone> milestones;
    private final HaDecider decider;
    private final SimActionExecutor executor;
    private final SimMemberPublisher publisher;

    boolean alive;
    long epoch;
    Activity activity = Activity.NONE;
    Activity failedActivity = Activity.NONE;
    String lastFailure;
    boolean mayBeWritable;
    long backgroundToken;
    private long downSinceMillis = -1;
    private List<Runnable> stopWaiters;

    private boolean cycleRunning;
    private boolean wakeRequested;
    private EventScheduler.Event nextCycle;
    private WakeKey lastKey;
    private Decision lastDecision;
    private String lastLoggedSummary;
    private long cycles;
    private long windowStartMillis;
    private long cyclesInWindow;
    private long maxCyclesPerSecond;

    /** {@code bootstrapConfig}: the member's {@code bootstrap.dcs}, or null without a bootstrap section. */
    public SimAgent(String name, DeciderConfig config, DynamicConfig bootstrapConfig, EventScheduler scheduler,
                    SimulatedRaft raft, FakePostgres pg, AgentTiming timing, RandomGenerator random,
                    Consumer<Milestone> milestones) {
        if (!name.equals(config.memberName())) {
            throw new IllegalArgumentException("agent " + name + " got the decider config of " + config.memberName());
        }
        this.name = name;
        this.config = config;
        this.bootstrapConfig = bootstrapConfig;
        this.scheduler = scheduler;
        this.raft = raft;
        this.pg = pg;
        this.timing = timing;
        this.random = random;
        this.milestones = milestones;
        this.watchdog = new FakeWatchdog(scheduler.clock());
        this.decider = new HaDecider(config);
        this.executor = new SimActionExecutor(this);
        this.publisher = new SimMemberPublisher(this);
    }

    /** Starts the loop and the lease guard after {@code delayMillis}. */
    public void start(long delayMillis) {
        alive = true;
        epoch++;
        vip.remove(); // a VIP left on this host: not primary yet
        scheduleCycle(delayMillis);
        scheduleLeaseCheck(delayMillis + random.nextLong(timing.leaseCheckMillis()));
    }

    /** The host dies: agent, PostgreSQL (killed, data kept) and the VIP with it. */
    public void kill() {
        alive = false;
        epoch++;
        vip.remove();
        watchdog.disarm();
        pg.crash();
        if (nextCycle != null) {
            nextCycle.cancel();
        }
        nextCycle = null;
        cycleRunning = false;
        stopWaiters = null;
        activity = Activity.NONE;
    }

    /**
     * Graceful shutdown as the agent's close(): the loop and the guard stop, the VIP goes,
     * PostgreSQL is stopped fast, the watchdog is disarmed, then {@code then} (the host going down).
     */
    public void shutdown(Runnable then) {
        alive = false;
        epoch++;
        if (nextCycle != null) {
            nextCycle.cancel();
        }
        nextCycle = null;
        cycleRunning = false;
        stopWaiters = null;
        activity = Activity.NONE;
        removeVip();
        long myEpoch = epoch;
        stopPostgres(StopMode.FAST, () -> {
            watchdog.disarm();
            if (myEpoch == epoch) {
                then.run();
            }
        });
    }

    /** A fresh agent process on the same host and data directory. */
    public void restart() {
        activity = Activity.NONE;
        failedActivity = Activity.NONE;
        lastFailure = null;
        downSinceMillis = -1;
        mayBeWritable = false;
        lastKey = null;
        publisher.reset();
        start(0);
    }

    public boolean isAlive() {
        return alive;
    }

    public String name() {
        return name;
    }

    public FakeVip vip() {
        return vip;
    }

    public Decision lastDecision() {
        return lastDecision;
    }

    public long cycles() {
        return cycles;
    }

    /** The most HA cycles this agent ran within one simulated second (a busy loop shows here). */
    public long maxCyclesPerSecond() {
        return maxCyclesPerSecond;
    }

    /** Raft said something may have changed: wake the loop if leadership, lease or state did. */
    void raftChanged() {
        if (alive && !WakeKey.of(raft.committedState(name), raft.view(name)).equals(lastKey)) {
            wake();
        }
    }

    void wake() {
        if (!alive) {
            return;
        }
        if (cycleRunning) {
            wakeRequested = true;
        } else {
            scheduleCycle(1);
        }
    }

    private void scheduleCycle(long delayMillis) {
        long at = scheduler.nowMillis() + delayMillis;
        if (nextCycle != null && !nextCycle.isCancelled() && nextCycle.atMillis() <= at) {
            return;
        }
        if (nextCycle != null) {
            nextCycle.cancel();
        }
        long myEpoch = epoch;
        nextCycle = scheduler.schedule(delayMillis, new RaftNode.Note(name, "HA cycle"), () -> {
            if (myEpoch == epoch) {
                nextCycle = null;
                runCycle();
            }
        });
    }

    private void runCycle() {
        if (!alive || cycleRunning) {
            return;
        }
        countCycle();
        cycleRunning = true;
        wakeRequested = false;
        long now = scheduler.nowMillis();
        LocalPgState local = observe();
        ClusterState state = raft.committedState(name);
        RaftView view = raft.view(name);
        lastKey = WakeKey.of(state, view);
        publisher.maybePublish(local, view, state);
        Decision decision = decider.decide(new ClusterView(state, view), local, now);
        lastDecision = decision;
        if (!decision.summary().equals(lastLoggedSummary)) {
            lastLoggedSummary = decision.summary();
            scheduler.note(new RaftNode.Note(name, "[term " + view.term() + "] " + decision.reason() + ": "
                    + decision.summary()));
        }
        long myEpoch = epoch;
        executor.execute(decision, () -> {
            if (myEpoch == epoch) {
                finishCycle(decision, state);
            }
        });
    }

    private void finishCycle(Decision decision, ClusterState state) {
        cycleRunning = false;
        long loopWait = Math.max(100, state.config().loopWaitMillis());
        long recheck = decision.recheckInMillis();
        long delay = recheck >= 0 ? Math.min(loopWait, recheck) : loopWait;
        scheduleCycle(wakeRequested ? 1 : Math.max(timing.minRecheckMillis(), delay));
    }

    private void countCycle() {
        cycles++;
        long now = scheduler.nowMillis();
        if (now - windowStartMillis >= 1000) {
            windowStartMillis = now;
            cyclesInWindow = 0;
        }
        maxCyclesPerSecond = Math.max(maxCyclesPerSecond, ++cyclesInWindow);
    }

    /** The probe merged with what only the agent knows, as the agent's LocalTracker does. */
    LocalPgState observe() {
        LocalPgState probe = pg.observe();
        if (probe.running()) {
            downSinceMillis = -1;
        } else if (downSinceMillis < 0) {
            downSinceMillis = scheduler.nowMillis();
        }
        if (probe.isWritablePrimary()) {
            mayBeWritable = true;
        } else if (probe.isRunningReplica()) {
            mayBeWritable = false;
        }
        return probe.withAgentFacts(activity, lastFailure, failedActivity, downSinceMillis);
    }

    /** Leader with a valid lease holding the leader key (or the initialize claim before there is one). */
    boolean holdsPrimaryRole() {
        ClusterState state = raft.committedState(name);
        boolean key = state.leader() == null ? name.equals(state.initializer()) : name.equals(state.leader().member());
        return raft.view(name).isLeaderWithLease() && key;
    }

    private void scheduleLeaseCheck(long delayMillis) {
        long myEpoch = epoch;
        scheduler.schedule(delayMillis, new RaftNode.Note(name, "lease check"), () -> {
            if (myEpoch != epoch) {
                return;
            }
            if (holdsPrimaryRole()) {
                if (watchdog.isArmed()) {
                    watchdog.keepalive();
                }
            } else if (mayBeWritable && stopWaiters == null) {
                fence("lease guard: not the leader with a valid lease holding the leader key (term "
                        + raft.term(name) + ")");
            }
            scheduleLeaseCheck(Math.round(timing.leaseCheckMillis() / raft.clockRate(name)));
        });
    }

    /** VIP off first, then stop -m immediate; PostgreSQL is writable until the stop completes. */
    private void fence(String why) {
        milestones.accept(new Milestone(scheduler.nowMillis(), name, Milestone.Kind.FENCE_STARTED, why));
        removeVip();
        stopPostgres(StopMode.IMMEDIATE, () -> {
            mayBeWritable = false;
            watchdog.disarm();
        });
    }

    void removeVip() {
        if (vip.isPresent()) {
            vip.remove();
            milestones.accept(new Milestone(scheduler.nowMillis(), name, Milestone.Kind.VIP_REMOVED, ""));
        }
    }

    /** Stops PostgreSQL (joining a stop already under way); {@code then} runs once it is down. */
    void stopPostgres(StopMode mode, Runnable then) {
        if (stopWaiters != null) {
            stopWaiters.add(then);
            return;
        }
        if (activity == Activity.STARTING || activity == Activity.PROMOTING || activity == Activity.INITDB) {
            // pg_ctl stop kills the postmaster that was starting or promoting: that operation fails.
            backgroundToken++;
            failedActivity = activity;
            lastFailure = "interrupted: PostgreSQL was stopped";
            activity = Activity.NONE;
        }
        if (!pg.isRunning()) {
            then.run();
            return;
        }
        stopWaiters = new ArrayList<>(List.of(then));
        long duration = mode == StopMode.IMMEDIATE
                ? random.nextLong(timing.fenceMinMillis(), timing.fenceMaxMillis() + 1) : timing.stopFastMillis();
        long myEpoch = epoch;
        scheduler.schedule(duration, new RaftNode.Note(name, "stop " + mode + " completes"), () -> {
            if (myEpoch != epoch) {
                return;
            }
            pg.stop(mode);
            milestones.accept(new Milestone(scheduler.nowMillis(), name, Milestone.Kind.STOPPED, mode.toString()));
            List<Runnable> waiters = stopWaiters;
            stopWaiters = null;
            wake();
            waiters.forEach(Runnable::run);
        });
    }
}
