package io.raftgres.testkit;

import io.raftgres.core.decide.DeciderConfig;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.MemberTags;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * A seeded, single-threaded three-node raftgres cluster: {@link SimAgent}s (the real decider)
 * on {@link FakePostgres}, a {@link SimulatedRaft} group and a {@link SimulatedNetwork}, with
 * {@link Invariants} checked after every event. The same seed and options give the same run.
 *
 * <p>{@link #run()} is the randomized run: bootstrap, random faults, heal, calm, liveness
 * check. Scenario tests drive it by hand instead with {@link #start()}, {@link #runFor},
 * {@link #awaitCondition} and the fault methods.
 *
 * <p>Threading: single-threaded; not reusable after a violation.
 */
public final class ClusterSimulation {

    /**
     * The outcome of a randomized run that kept every invariant.
     *
     * @param checks             how often each invariant was evaluated
     * @param longestUnsafeMillis longest time any node was writable without a valid lease
     * @param maxCyclesPerSecond most HA cycles one agent ran in one simulated second
     * @param failovers          promotions after the bootstrap
     */
    public record Result(long seed, LivenessReport liveness, long events, long simulatedMillis, String network,
                         Map<Invariants.Rule, Long> checks, long longestUnsafeMillis,
                         long maxCyclesPerSecond, int failovers) { }

    private final SimulationOptions options;
    private final Trace trace = new Trace(40);
    private final EventScheduler scheduler;
    private final SplittableRandom random;
    private final SimulatedNetwork network;
    private final SimulatedRaft raft;
    private final Map<String, FakePostgres> postgres = new LinkedHashMap<>();
    private final Map<String, SimAgent> agents = new LinkedHashMap<>();
    private final Invariants invariants;
    private final List<Milestone> milestones = new ArrayList<>();
    private final PostgresTraffic traffic;
    private final Set<String> restarting = new TreeSet<>();
    private final Map<String, SimSyncReplication> sync = new LinkedHashMap<>();
    private final CommitLedger commits;
    private boolean operatorEvents;
    private boolean leaseGate = true;

    public ClusterSimulation(SimulationOptions options) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
        this.scheduler = new EventScheduler(new FakeClock(0), trace);
        List<String> nodes = SimulationOptions.NODES;
        this.network = new SimulatedNetwork(scheduler, random.split(), nodes, options.delays());
        SplittableRandom pgRandom = random.split();
        for (String node : nodes) {
            postgres.put(node, new FakePostgres(node, scheduler.clock(),
                    (from, to) -> network.isConnected(from, to) ? postgres.get(to) : null,
                    () -> "7" + String.format("%018d", pgRandom.nextLong(1_000_000_000_000_000_000L))));
        }
        Map<String, Double> clockRates = new LinkedHashMap<>();
        for (String node : nodes) {
            double error = options.maxClockRateError();
            clockRates.put(node, error == 0 ? 1.0 : 1.0 + random.nextDouble(-error, error));
        }
        this.raft = new SimulatedRaft(scheduler, network, random.split(), options.raft(), ClusterState.empty("sim"),
                clockRates, new RaftObserver() {
                    @Override
                    public void raftChanged(String node) {
                        agents.get(node).raftChanged();
                    }

                    @Override
                    public void commandAppended(String leader, Command command, ClusterState before,
                                                ApplyResult result) {
                        invariants.commandAppended(command, before, result);
                    }
                });
        SplittableRandom agentRandom = random.split();
        for (String node : nodes) {
            boolean bootstrap = options.bootstrapMembers().contains(node);
            SimulationOptions.WatchdogSetup watchdog = options.watchdog();
            boolean noDevice = watchdog.unavailable().contains(node);
            DeciderConfig config = new DeciderConfig(node, bootstrap, MemberTags.DEFAULT,
                    options.removeDataOnRewindFailure(), options.removeDataOnDivergedTimelines(),
                    watchdog.required() && noDevice, options.freshnessWaitMillis(), takeoverDelay(options, noDevice),
                    takeoverDelayFromContact(options, takeoverDelay(options, noDevice)), nodes.size());
            SimAgent agent = new SimAgent(node, config, bootstrap ? options.dynamicConfig() : null, scheduler, raft,
                    postgres.get(node), options.agent(), agentRandom.split(), this::milestone);
            agent.watchdog().setAutomatic(!watchdog.required());
            agent.watchdog().setUnavailable(noDevice);
            agents.put(node, agent);
        }
        long watchdogTimeout = watchdogTimeoutMillis(options);
        this.invariants = new Invariants(options.seed(), nodes, postgres, agents, raft, scheduler,
                fenceBudget(options), watchdogTimeout, this::watchdogReset, options.watchdog().required(),
                this::describe);
        postgres.values().forEach(pg -> pg.onPromotion(invariants::promoted));
        for (String node : nodes) {
            sync.put(node, new SimSyncReplication(node, agents.get(node), postgres, raft, network, scheduler,
                    () -> leaseGate));
        }
        this.commits = new CommitLedger(nodes, postgres, network, raft, node -> () -> leaseGate
                && agents.get(node).isAlive() && agents.get(node).holdsPrimaryRole()
                && sync.get(node).gateMayAcknowledge(), () -> leaseGate);
        invariants.useLedger(commits);
        agents.values().forEach(a -> a.lifecycleActions = action -> invariants.lifecycleAction(a.name(), action));
        this.traffic = new PostgresTraffic(scheduler, network, random.split(), postgres);
        postgres.values().forEach(pg -> pg.onShutdownFlush(traffic::flushOnShutdown));
        scheduler.afterEachEvent(invariants::check);
    }

    /**
     * The decider's takeover delay as the agent computes it: with a usable watchdog, long enough
     * for a frozen old primary's watchdog to reset it ({@code SafetyTiming.takeoverDelayWithWatchdog});
     * 0 stays 0 (tests that turn the decider's waits off).
     */
    private static long takeoverDelay(SimulationOptions options, boolean noDevice) {
        long configured = options.takeoverDelayMillis();
        long timeout = watchdogTimeoutMillis(options);
        if (configured == 0 || noDevice || timeout >= Long.MAX_VALUE / 2) {
            return configured;
        }
        return Math.max(configured,
                options.raft().safety().takeoverDelayWithWatchdog((int) (timeout / 1000)).toMillis());
    }

    /**
     * The takeover delay from the last contact as the agent computes it ({@code TakeoverTiming.takeoverDelayFromContact}), for
     * the simulated VIP: no lifetime, removal within {@link AgentTiming#vipRemoveMaxMillis()}, and a guard that fences
     * when the lease ends (no lapse is held behind the gate here).
     */
    private static long takeoverDelayFromContact(SimulationOptions options, long fromElection) {
        java.time.Duration vipGone = options.raft().safety().vipGoneAfterHeartbeat(false,
                java.time.Duration.ofMillis(options.agent().vipRemoveMaxMillis()), java.time.Duration.ZERO,
                java.time.Duration.ZERO);
        return io.raftgres.core.timing.SafetyTiming.takeoverDelayFromContact(
                java.time.Duration.ofMillis(fromElection), vipGone).toMillis();
    }

    /**
     * The watchdog timeout the agent would arm for this Raft timing; with none safe (only tests
     * that break the timing rule on purpose) the agent runs without a watchdog, so none is checked.
     */
    private static long watchdogTimeoutMillis(SimulationOptions options) {
        try {
            return options.raft().safety().watchdogTimeoutSeconds(java.time.Duration.ZERO) * 1000L;
        } catch (IllegalArgumentException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    /** One lease check interval on the slowest allowed clock, plus the fence budget. */
    private static long fenceBudget(SimulationOptions options) {
        RaftTiming timing = options.raft();
        return (long) Math.ceil(timing.leaseCheckMillis() / (1 - options.maxClockRateError()))
                + timing.fenceBudgetMillis();
    }

    /**
     * Adds the operator's requests ({@link OperatorEvents}: switchovers, cancellations, pause and
     * resume) to {@link #run()}'s random schedule. Off by default: with them, some seeds still
     * break the required-watchdog rule or never recover (see the README's known limitations).
     */
    public ClusterSimulation withOperatorEvents() {
        this.operatorEvents = true;
        return this;
    }

    /**
     * Runs without the lease gate ({@code postgresql.lease_gate: false}): primaries acknowledge
     * commits without asking their agent. Call before {@link #start()}.
     */
    public ClusterSimulation withoutLeaseGate() {
        this.leaseGate = false;
        return this;
    }

    /** The randomized run: bootstrap, faults, heal, calm; returns the liveness verdict. */
    public Result run() {
        start();
        long faultsEnd = options.faultStartMillis() + options.faultMillis();
        new FaultInjector(this, random.split()).schedule(options.faultStartMillis(), faultsEnd);
        OperatorEvents operator = operatorEvents ? new OperatorEvents(this, random.split()) : null;
        if (operator != null) {
            operator.schedule(options.faultStartMillis(), faultsEnd);
        }
        scheduler.runUntil(faultsEnd);
        healAll();
        if (operator != null) {
            operator.resumeUntilDone();
        }
        scheduler.runFor(options.calmMillis());
        long busiest = agents.values().stream().mapToLong(SimAgent::maxCyclesPerSecond).max().orElse(0);
        return new Result(options.seed(), checkLiveness(), scheduler.executedEvents(), scheduler.nowMillis(),
                network.stats(), invariants.checkCounts(), invariants.longestUnsafeMillis(), busiest,
                milestones(Milestone.Kind.PROMOTED).size());
    }

    /** Starts Raft, the agents (staggered by up to 500 ms) and the client traffic. */
    public void start() {
        raft.start();
        for (SimAgent agent : agents.values()) {
            agent.start(random.nextLong(500));
        }
        traffic.start();
        // Fixed offsets, not drawn: the seeds' random streams stay what they were before this loop.
        int i = 0;
        for (SimSyncReplication loop : sync.values()) {
            loop.start(SimSyncReplication.PERIOD_MILLIS * ++i / (sync.size() + 1));
        }
    }

    public void runFor(long millis) {
        scheduler.runFor(millis);
    }

    /** Runs in 10 ms steps until {@code condition} holds or {@code maxMillis} passed; true if it held. */
    public boolean awaitCondition(BooleanSupplier condition, long maxMillis) {
        long until = scheduler.nowMillis() + maxMillis;
        while (!condition.getAsBoolean()) {
            if (scheduler.nowMillis() >= until) {
                return false;
            }
            scheduler.runFor(Math.min(10, until - scheduler.nowMillis()));
        }
        return true;
    }

    /** The single writable primary, or null when there is none (or, impossibly, several). */
    public String writablePrimary() {
        List<String> writable = postgres.values().stream().filter(FakePostgres::isWritable)
                .map(FakePostgres::name).toList();
        return writable.size() == 1 ? writable.getFirst() : null;
    }

    public void isolate(String node) {
        network.isolate(node);
        milestone(new Milestone(now(), node, Milestone.Kind.ISOLATED, ""));
    }

    public void reconnect(String node) {
        network.reconnect(node);
        milestone(new Milestone(now(), node, Milestone.Kind.RECONNECTED, ""));
    }

    /** The watchdog resets the host: as a crash. */
    private void watchdogReset(String node) {
        milestone(new Milestone(now(), node, Milestone.Kind.WATCHDOG_RESET, ""));
        killNode(node);
    }

    /** Host crash: agent, Raft server and PostgreSQL die; the data directory survives. */
    public void killNode(String node) {
        agents.get(node).kill();
        raft.kill(node);
        milestone(new Milestone(now(), node, Milestone.Kind.NODE_KILLED, ""));
    }

    /**
     * The agent process alone is SIGKILLed (its Raft server dies with it) and its PostgreSQL keeps
     * running. Without the lease gate such an orphan keeps a writable primary that raftgres cannot
     * fence, so the invariants no longer hold it to the fence budget or to being the only writable
     * server ({@link Invariants#orphaned}); no acknowledged commit may be lost all the same.
     */
    public void killAgent(String node) {
        agents.get(node).killProcess();
        raft.kill(node);
        invariants.orphaned(node);
        milestone(new Milestone(now(), node, Milestone.Kind.AGENT_KILLED, ""));
    }

    /**
     * Planned host shutdown: the agent removes the VIP and stops PostgreSQL fast (standbys get the
     * shutdown checkpoint), then the host goes down as in {@link #killNode}.
     */
    public void shutdownNode(String node) {
        SimAgent agent = agents.get(node);
        milestone(new Milestone(now(), node, Milestone.Kind.NODE_SHUTDOWN, ""));
        agent.shutdown(() -> killNode(node));
    }

    /**
     * The host comes back with the same data. A member whose Raft storage already holds the group
     * stays out for ET_min first (the raft module's restart quarantine: it forgot when it last
     * heard from the leader, and must not grant pre-votes at once).
     */
    public void restartNode(String node) {
        long quarantine = raft.hasStorage(node) ? Math.round(options.raft().electionTimeoutMin() / raft.clockRate(node))
                : 0;
        restarting.add(node);
        scheduler.schedule(quarantine, new RaftNode.Note(node, "restart after quarantine"), () -> {
            restarting.remove(node);
            if (!agents.get(node).isAlive()) {
                raft.restart(node);
                agents.get(node).restart();
                milestone(new Milestone(now(), node, Milestone.Kind.NODE_RESTARTED, ""));
            }
        });
    }

    /**
     * Makes every agent fence as before issue 9 item 8: the stop waits until the VIP removal
     * ended. Only for the test that shows {@link Invariants.Rule#FENCED_WITHIN_BUDGET} can fail.
     */
    public void fenceWaitingForTheVip() {
        agents.values().forEach(a -> a.host.fenceWaitsForVip = true);
    }

    /**
     * Makes every agent fence without disarming the watchdog (guard and HA loop). Only for the test
     * that shows {@link Invariants.Rule#WATCHDOG_FED} can fail.
     */
    public void breakWatchdogDisarm() {
        agents.values().forEach(a -> a.host.disarmBroken = true);
    }

    /** Whether {@code node} is down and not already coming back. */
    public boolean isDown(String node) {
        return !agents.get(node).isAlive() && !restarting.contains(node);
    }

    /** The postmaster dies; agent and Raft keep running. */
    public void crashPostgres(String node) {
        postgres.get(node).crash();
        milestone(new Milestone(now(), node, Milestone.Kind.PG_CRASHED, ""));
    }

    /**
     * An operator's switchover (POST /switchover) or, with {@code leader} null, manual failover,
     * submitted through {@code via}'s Raft server as the REST API does; {@code scheduledAtWallMillis}
     * 0 for now. The milestone says whether it committed.
     */
    public void requestSwitchover(String via, String leader, String candidate, long scheduledAtWallMillis) {
        long requestedAt = SimClock.WALL_EPOCH_MILLIS + now();
        String what = (leader == null ? "failover" : "from " + leader) + (candidate == null ? "" : " to " + candidate)
                + (scheduledAtWallMillis == 0 ? "" : " at t=" + (scheduledAtWallMillis - SimClock.WALL_EPOCH_MILLIS));
        operator(via, new Command.RequestSwitchover(via, raft.term(via), leader, candidate, scheduledAtWallMillis,
                requestedAt), Milestone.Kind.SWITCHOVER_REQUESTED, what);
    }

    /** DELETE /switchover through {@code via}. */
    public void cancelSwitchover(String via) {
        operator(via, new Command.CancelSwitchover(via, raft.term(via)), Milestone.Kind.SWITCHOVER_CANCELLED, "");
    }

    /** PATCH /config {"pause": flag} through {@code via}: the config {@code via} applied, version-checked. */
    public void setPaused(String via, boolean flag) {
        var config = raft.committedState(via).config();
        operator(via, new Command.SetConfig(via, raft.term(via), config.withPause(flag), config.version()),
                flag ? Milestone.Kind.PAUSED : Milestone.Kind.RESUMED, "");
    }

    /** Whether the state the current Raft leader applied is paused (false without a leader). */
    public boolean isPaused() {
        return SimulationOptions.NODES.stream().filter(n -> raft.view(n).role() == io.raftgres.core.model.RaftRole.LEADER)
                .anyMatch(n -> raft.committedState(n).paused());
    }

    private void operator(String via, Command command, Milestone.Kind kind, String what) {
        if (!agents.get(via).isAlive()) {
            return;
        }
        raft.submit(via, command, result -> milestone(new Milestone(now(), via,
                result.isSuccess() ? kind : Milestone.Kind.OPERATOR_REFUSED,
                result.isSuccess() ? what : kind + " " + what + ": " + result.message())));
    }

    /** Network healed, every host up, every data directory startable. */
    public void healAll() {
        network.heal();
        for (String node : SimulationOptions.NODES) {
            postgres.get(node).setBrokenStart(false);
            if (isDown(node)) {
                restartNode(node);
            }
        }
        milestone(new Milestone(now(), "*", Milestone.Kind.HEALED, ""));
    }

    public LivenessReport checkLiveness() {
        return LivenessReport.of(SimulationOptions.NODES, postgres, agents, raft);
    }

    public long now() {
        return scheduler.nowMillis();
    }

    public SimulationOptions options() {
        return options;
    }

    public SimulatedNetwork network() {
        return network;
    }

    public SimulatedRaft raft() {
        return raft;
    }

    public FakePostgres postgres(String node) {
        return postgres.get(node);
    }

    public SimAgent agent(String node) {
        return agents.get(node);
    }

    public Invariants invariants() {
        return invariants;
    }

    /** Acknowledged commits and the asynchronous ones lost so far. */
    CommitLedger commits() {
        return commits;
    }

    public Trace trace() {
        return trace;
    }

    public List<Milestone> milestones() {
        return List.copyOf(milestones);
    }

    /** Milestones of {@code kind}, oldest first. */
    public List<Milestone> milestones(Milestone.Kind kind) {
        return milestones.stream().filter(m -> m.kind() == kind).toList();
    }

    EventScheduler scheduler() {
        return scheduler;
    }

    void milestone(Milestone milestone) {
        milestones.add(milestone);
        scheduler.note(milestone);
    }

    /** Everything a failure report needs: recent events, Raft, PostgreSQL, decisions, milestones. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append("options: ").append(options).append('\n');
        out.append(trace.dump());
        out.append("raft:\n").append(raft.describe());
        out.append("postgres:\n");
        postgres.values().forEach(pg -> out.append("  ").append(pg).append('\n'));
        out.append("last decisions:\n");
        agents.values().forEach(a -> out.append("  ").append(a.name()).append(a.isAlive() ? "" : " (DOWN)")
                .append(a.vip().isPresent() ? " [VIP]" : "").append(": ")
                .append(a.lastDecision() == null ? "none" : a.lastDecision().reason() + " " + a.lastDecision().summary())
                .append('\n'));
        out.append("last milestones:\n");
        milestones.subList(Math.max(0, milestones.size() - 12), milestones.size())
                .forEach(m -> out.append("  ").append(m).append('\n'));
        return out.toString();
    }
}
