package io.raftgres.testkit;

import io.raftgres.core.decide.DeciderConfig;
import io.raftgres.core.decide.Decision;
import io.raftgres.core.decide.HaDecider;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ClusterView;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.PostgresControl;
import io.raftgres.core.spi.Upstream;
import io.raftgres.core.spi.VipControl;
import io.raftgres.core.spi.WatchdogControl;
import io.raftgres.ha.AgentIdentity;
import io.raftgres.ha.LeaseGuard;
import io.raftgres.ha.LocalTracker;
import io.raftgres.ha.MemberPublisher;
import io.raftgres.ha.OriginMarker;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One simulated raftgres agent: the real {@link HaDecider}, and the agent's own {@link LocalTracker},
 * {@link MemberPublisher} and {@link LeaseGuard} (module {@code ha}) over this host's fakes, a
 * {@link SimClusterStore} and a {@link SimClock}. The HA loop and the action executor
 * ({@link SimActionExecutor}) are still copies of the agent's: the agent's executor blocks its thread
 * on Raft commits and PostgreSQL operations, which this single-threaded simulation cannot run.
 * Every loop_wait (sooner when Raft leadership, the lease or the replicated state change, or a
 * background operation ends) it observes its {@link FakePostgres}, publishes its member record,
 * decides and hands the decision to the executor. Independently, the lease guard runs every
 * {@code lease_check_interval} on this host's clock.
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
    private final SimClusterStore store;
    private final SimClock clock;
    private final AgentIdentity identity;
    /** Kept with the host's data directory, as the agent's file beside PGDATA: survives restarts. */
    private final OriginMarker originMarker = OriginMarker.inMemory();
    /** The agent's own tracker and publisher; a restart (a new process) gets new ones. */
    LocalTracker tracker = new LocalTracker(() -> false, originMarker);
    private MemberPublisher publisher;

    boolean alive;
    long epoch;
    /** Test switch: fence as the agent did before issue 9 item 8 (stop only after the VIP is gone). */
    boolean fenceWaitsForVip;
    /** Test switch: the agent never disarms its watchdog, fence or decision (shows WATCHDOG_FED can fail). */
    boolean disarmBroken;
    /** Told when the executor begins a PostgreSQL start, stop, promotion or data change (not the fence). */
    Consumer<String> lifecycleActions = what -> { };
    private List<Runnable> stopWaiters;
    /** Non-null while a VIP removal is under way: what waits for it to end. */
    private List<Runnable> vipRemoval;
    private LeaseGuard guard;

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
        this.store = new SimClusterStore(name, raft, scheduler);
        this.clock = new SimClock(scheduler.clock());
        this.identity = new AgentIdentity("sim", name, "http://" + name + ":8008", name + ":5010", name, 5432,
                config.tags(), bootstrapConfig, "sim");
        this.publisher = new MemberPublisher(identity, store, config::watchdogFailed, clock);
        this.guard = newGuard();
    }

    /** Starts the loop and the lease guard after {@code delayMillis}. */
    public void start(long delayMillis) {
        alive = true;
        epoch++;
        vip.remove(); // a VIP left on this host: not primary yet
        scheduleCycle(delayMillis);
        scheduleLeaseCheck(delayMillis + random.nextLong(raft.timing.leaseCheckMillis()));
    }

    /** The host dies: agent, PostgreSQL (killed, data kept) and the VIP with it. */
    public void kill() {
        alive = false;
        epoch++;
        vip.remove();
        watchdog.disarm();
        pg.crash();
        vipRemoval = null;
        if (nextCycle != null) {
            nextCycle.cancel();
        }
        nextCycle = null;
        cycleRunning = false;
        stopWaiters = null;
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
        tracker = new LocalTracker(() -> false, originMarker);
        publisher = new MemberPublisher(identity, store, config::watchdogFailed, clock);
        guard = newGuard();
        lastKey = null;
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

    /** Whether a stop of PostgreSQL is under way (signalled, not yet ended). */
    boolean isStopping() {
        return stopWaiters != null;
    }

    public FakeWatchdog watchdog() {
        return watchdog;
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
        publisher.maybePublish(local, view, now);
        // The agent's wall clock, as the HA loop passes it: scheduled switchovers and the handover
        // time limit are measured by it (0 would make nothing scheduled ever due).
        Decision decision = decider.decide(new ClusterView(state, view, Set.of(), clock.wallMillis(), false), local, now);
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

    /** The probe merged with what only the agent knows, by the agent's own {@link LocalTracker}. */
    LocalPgState observe() {
        return tracker.merge(pg.observe(), scheduler.nowMillis());
    }

    /** This host's wall clock (epoch ms), as the agent's executor stamps replicated records. */
    long wallMillis() {
        return clock.wallMillis();
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
            guard.check();
            scheduleLeaseCheck(Math.round(raft.timing.leaseCheckMillis() / raft.clockRate(name)));
        });
    }

    /**
     * The agent's own {@link LeaseGuard} over this host's fakes. Its fence calls
     * {@code vip.remove()} (on the fence's VIP executor, here inline) and {@code pg.stop(IMMEDIATE)};
     * both return at once here and take simulated time: the VIP stays until its removal ends
     * ({@link #removeVip()}), PostgreSQL stays writable until the stop ends ({@link #stopPostgres}),
     * at most the fence budget later (the agent's escalation to SIGKILL). With
     * {@link #fenceWaitsForVip} (the fence before issue 9 item 8) the stop starts only once the VIP
     * removal ended.
     */
    private LeaseGuard newGuard() {
        PostgresControl fencePg = new PostgresControl() {
            @Override public void stop(StopMode mode) {
                milestones.accept(new Milestone(scheduler.nowMillis(), name, Milestone.Kind.FENCE_STARTED,
                        "lease guard: not the leader with a valid lease holding the leader key (term "
                                + raft.term(name) + ")"));
                Runnable stop = () -> stopPostgres(mode, () -> { });
                if (fenceWaitsForVip && vipRemoval != null) {
                    vipRemoval.add(stop);
                } else {
                    stop.run();
                }
            }
            @Override public LocalPgState observe() { throw new UnsupportedOperationException("guard: stop only"); }
            @Override public void bootstrap() { throw new UnsupportedOperationException("guard: stop only"); }
            @Override public void cloneFrom(Upstream from) { throw new UnsupportedOperationException("guard"); }
            @Override public void startPrimary() { throw new UnsupportedOperationException("guard: stop only"); }
            @Override public void follow(Upstream up, String slot) { throw new UnsupportedOperationException("guard"); }
            @Override public void promote() { throw new UnsupportedOperationException("guard: stop only"); }
            @Override public void rewind(Upstream from) { throw new UnsupportedOperationException("guard"); }
            @Override public void removeDataDirectory() { throw new UnsupportedOperationException("guard"); }
            @Override public void ensureSlots(Set<String> slots) { throw new UnsupportedOperationException("guard"); }
        };
        VipControl fenceVip = new VipControl() {
            @Override public boolean isPresent() { return vip.isPresent(); }
            @Override public boolean add() { throw new UnsupportedOperationException("the guard never adds the VIP"); }
            @Override public boolean remove() {
                removeVip();
                return true;
            }
            @Override public boolean refresh(java.util.function.BooleanSupplier stillHolds) { return vip.refresh(stillHolds); }
        };
        WatchdogControl guardWatchdog = new WatchdogControl() {
            @Override public boolean arm() { return watchdog.arm(); }
            @Override public void keepalive() { watchdog.keepalive(); }
            @Override public boolean isArmed() { return watchdog.isArmed(); }
            @Override public void disarm() {
                // The agent disarms once its blocking stop returned: after the stop, here too.
                Runnable disarm = () -> {
                    if (!disarmBroken) {
                        watchdog.disarm();
                    }
                };
                if (stopWaiters != null) {
                    stopWaiters.add(disarm);
                } else {
                    disarm.run();
                }
            }
        };
        return new LeaseGuard(name, store, fencePg, fenceVip, guardWatchdog, tracker,
                clock, Runnable::run, raft.timing.safety(),
                reason -> { throw new IllegalStateException(name + ": the lease guard failed: " + reason); });
    }

    /**
     * Removes the VIP (joining a removal under way); it stays on this host until the removal
     * ends. Most removals take up to {@link AgentTiming#vipRemoveTypicalMillis()}; one in ten waits
     * for an add or renewal in flight ({@code ip} holding the VIP lock), up to
     * {@link AgentTiming#vipRemoveMaxMillis()}.
     */
    void removeVip() {
        removeVip(() -> { });
    }

    /**
     * Removes the VIP and runs {@code then} once no removal is under way any more, as the agent's
     * executor does for a decision's RemoveVip (its {@code ip addr del} blocks the HA loop).
     */
    void removeVip(Runnable then) {
        if (vipRemoval != null) {
            vipRemoval.add(then);
            return;
        }
        if (!vip.isPresent()) {
            then.run();
            return;
        }
        List<Runnable> waiters = new ArrayList<>();
        waiters.add(then);
        vipRemoval = waiters;
        long slowest = random.nextInt(10) == 0 ? timing.vipRemoveMaxMillis() : timing.vipRemoveTypicalMillis();
        scheduler.schedule(random.nextLong(slowest + 1), new RaftNode.Note(name, "VIP removal completes"), () -> {
            if (vip.isPresent()) {
                vip.remove();
                milestones.accept(new Milestone(scheduler.nowMillis(), name, Milestone.Kind.VIP_REMOVED, ""));
            }
            if (vipRemoval == waiters) {
                vipRemoval = null;
            }
            waiters.forEach(Runnable::run);
        });
    }

    /** Stops PostgreSQL (joining a stop already under way); {@code then} runs once it is down. */
    void stopPostgres(StopMode mode, Runnable then) {
        if (stopWaiters != null) {
            stopWaiters.add(then);
            return;
        }
        // A start, promotion or initdb in flight is not cancelled, as in the agent: it may bring
        // PostgreSQL up after this stop, and the lease guard keeps fencing until it is over.
        if (!pg.isRunning()) {
            then.run();
            return;
        }
        stopWaiters = new ArrayList<>(List.of(then));
        long duration = mode == StopMode.IMMEDIATE
                ? random.nextLong(timing.fenceMinMillis(), raft.timing.fenceBudgetMillis() + 1)
                : timing.stopFastMillis();
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
