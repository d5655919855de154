package io.raftgres.testkit;

import io.raftgres.core.decide.DeciderConfig;
import io.raftgres.core.decide.Decision;
import io.raftgres.core.decide.HaDecider;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.spi.HaEvents;
import io.raftgres.core.spi.StopMode;
import io.raftgres.ha.ActionExecutor;
import io.raftgres.ha.AgentIdentity;
import io.raftgres.ha.HaLoop;
import io.raftgres.ha.LeaseGuard;
import io.raftgres.ha.LocalTracker;
import io.raftgres.ha.MemberLiveness;
import io.raftgres.ha.MemberPublisher;
import io.raftgres.ha.OriginMarker;
import io.raftgres.ha.Scheduler;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * One simulated raftgres agent: the agent's own shell (module {@code ha}: {@link HaLoop},
 * {@link ActionExecutor}, {@link LeaseGuard}, {@link LocalTracker}, {@link MemberPublisher}) and the
 * real {@link HaDecider}, wired as the agent wires them, over this host's fakes ({@link SimHost}),
 * a {@link SimClusterStore} and a {@link SimClock}. Only the threads are simulated: the HA loop's
 * and the lease guard's are the event scheduler ({@link SimScheduler}), the PostgreSQL thread is
 * {@link SimPgOperations}. The loop is woken when Raft leadership, the lease or the replicated
 * state change; the lease guard runs every {@code lease_check_interval} on this host's clock.
 *
 * <p>Each start is a new agent process: new loop, executor, guard, tracker and publisher (the
 * timeline origin marker, kept beside the data directory, survives). A process's scheduled work
 * is dropped once it died ({@code epoch}).
 *
 * <p>Threading: single-threaded; all work happens in scheduler events.
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
    final EventScheduler scheduler;
    final SimulatedRaft raft;
    final FakePostgres pg;
    final FakeVip vip = new FakeVip();
    final FakeWatchdog watchdog;
    final AgentTiming timing;
    final Consumer<Milestone> milestones;
    private final RandomGenerator random;
    /** This host's PostgreSQL, VIP and watchdog as the agent's ports; its test switches break the fence. */
    final SimHost host;
    private final SimClusterStore store;
    private final SimClock clock;
    private final AgentIdentity identity;
    /** Kept with the host's data directory, as the agent's file beside PGDATA: survives restarts. */
    private final OriginMarker originMarker = OriginMarker.inMemory();
    /** Told the activity of each PostgreSQL operation the executor hands over (not the fence). */
    Consumer<String> lifecycleActions = what -> { };

    private boolean alive;
    private long epoch;
    private HaLoop loop;
    private LeaseGuard guard;
    private WakeKey lastKey;
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
        this.scheduler = scheduler;
        this.raft = raft;
        this.pg = pg;
        this.timing = timing;
        this.milestones = milestones;
        this.random = random;
        this.watchdog = new FakeWatchdog(scheduler.clock());
        this.host = new SimHost(name, scheduler, pg, vip, watchdog, timing, raft.timing.fenceBudgetMillis(), random,
                milestones, this::wake);
        this.store = new SimClusterStore(name, raft, scheduler, milestones);
        this.clock = new SimClock(scheduler.clock());
        this.identity = new AgentIdentity("sim", name, "http://" + name + ":8008", name + ":5010", name, 5432,
                config.tags(), bootstrapConfig, "sim");
    }

    /** Starts a new agent process: its HA loop after {@code delayMillis}, its lease guard soon after. */
    public void start(long delayMillis) {
        alive = true;
        long mine = ++epoch;
        vip.remove(); // a VIP left on this host: not primary yet
        lastKey = null;
        Scheduler process = new SimScheduler(scheduler, name, "agent", () -> alive && epoch == mine);
        LocalTracker tracker = new LocalTracker(() -> false, originMarker);
        HaEvents events = new Events();
        ActionExecutor executor = new ActionExecutor(identity, store, host.postgres, host.vipControl,
                host.watchdogControl, tracker, new SimPgOperations(process, timing, what -> lifecycleActions.accept(what)),
                this::wake, UnaryOperator.identity(), this::holdsPrimaryRole, process, clock);
        executor.reportTo(events);
        loop = new HaLoop(identity, store, host.postgres, new HaDecider(config), executor,
                new MemberPublisher(identity, store, config::watchdogFailed, clock), tracker, clock, process,
                new MemberLiveness(raft.timing.electionTimeoutMax()));
        loop.reportTo(events);
        guard = new LeaseGuard(name, store, host.postgres, host.vipControl, host.watchdogControl, tracker, clock,
                Runnable::run, raft.timing.safety(),
                reason -> { throw new IllegalStateException(name + ": the lease guard failed: " + reason); });
        guard.reportTo(events);
        HaLoop started = loop;
        process.schedule(delayMillis, started::start);
        scheduleLeaseCheck(process, guard, delayMillis + random.nextLong(raft.timing.leaseCheckMillis()));
    }

    /** The host dies: agent, PostgreSQL (killed, data kept) and the VIP with it. */
    public void kill() {
        alive = false;
        epoch++;
        host.died();
    }

    /** The agent process alone dies: its PostgreSQL lives on as an orphan ({@link SimHost#agentDied()}). */
    public void killProcess() {
        alive = false;
        epoch++;
        host.agentDied();
    }

    /**
     * Graceful shutdown as the agent's close(): the loop and the guard stop, the VIP goes,
     * PostgreSQL is stopped fast, the watchdog is disarmed, then {@code then} (the host going down).
     */
    public void shutdown(Runnable then) {
        alive = false;
        long mine = ++epoch;
        host.removeVip(() -> { });
        host.stopPostgres(StopMode.FAST, () -> {
            watchdog.disarm();
            if (mine == epoch) {
                then.run();
            }
        });
    }

    /** A fresh agent process on the same host and data directory. */
    public void restart() {
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
        return host.isStopping();
    }

    public FakeWatchdog watchdog() {
        return watchdog;
    }

    /** The decision of the loop's last cycle (of this process), or null before the first. */
    public Decision lastDecision() {
        HaLoop.Cycle last = loop == null ? null : loop.lastCycle();
        return last == null ? null : last.decision();
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
        WakeKey key = WakeKey.of(raft.committedState(name), raft.view(name));
        if (alive && !key.equals(lastKey)) {
            lastKey = key;
            wake();
        }
    }

    void wake() {
        if (alive && loop != null) {
            loop.wake();
        }
    }

    /** Leader with a valid lease holding the leader key (or the initialize claim before there is one). */
    boolean holdsPrimaryRole() {
        return raft.view(name).isLeaderWithLease() && raft.committedState(name).primaryKeyHeldBy(name);
    }

    private void scheduleLeaseCheck(Scheduler process, LeaseGuard processGuard, long delayMillis) {
        process.schedule(delayMillis, () -> {
            processGuard.check();
            scheduleLeaseCheck(process, processGuard, Math.round(raft.timing.leaseCheckMillis() / raft.clockRate(name)));
        });
    }

    /** The agent's metrics hooks: count cycles, note changed decisions, report fences. */
    private final class Events implements HaEvents {
        @Override
        public void cycleCompleted(long durationNanos) {
            cycles++;
            long now = scheduler.nowMillis();
            if (now - windowStartMillis >= 1000) {
                windowStartMillis = now;
                cyclesInWindow = 0;
            }
            maxCyclesPerSecond = Math.max(maxCyclesPerSecond, ++cyclesInWindow);
            Decision decision = lastDecision();
            if (decision != null && !decision.summary().equals(lastLoggedSummary)) {
                lastLoggedSummary = decision.summary();
                scheduler.note(new RaftNode.Note(name, "[term " + raft.term(name) + "] " + decision.reason() + ": "
                        + decision.summary()));
            }
        }

        @Override
        public void fenced(FenceReason reason) {
            milestones.accept(new Milestone(scheduler.nowMillis(), name, Milestone.Kind.FENCE_STARTED,
                    reason.label() + ": not the leader with a valid lease holding the leader key (term "
                            + raft.term(name) + ")"));
        }

        @Override
        public void promoted() {
        }
    }
}
