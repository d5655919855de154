package io.raftgres.testkit;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Safety invariants of a {@link ClusterSimulation}, checked after every event:
 * <ol>
 * <li>{@link Rule#ONE_WRITABLE_PRIMARY}: at most one PostgreSQL accepts writes;</li>
 * <li>{@link Rule#ONE_VIP_HOLDER}: at most one host holds the VIP;</li>
 * <li>{@link Rule#TERMS_NEVER_DECREASE}: no node's Raft term goes down, restarts included;</li>
 * <li>{@link Rule#PROMOTION_WITHIN_LAG}: a promoted replica was at most {@code maximum_lag_on_failover}
 *     behind the last primary position the replicated state knew when its leader claim was appended;</li>
 * <li>{@link Rule#TIMELINES_NEVER_DECREASE}: a data directory's timeline never goes down (a re-clone
 *     starts a new data directory);</li>
 * <li>{@link Rule#FENCED_WITHIN_BUDGET}: a writable primary without a valid lease is stopped within
 *     one lease check plus the fence budget (what the timing rule assumes);</li>
 * <li>{@link Rule#ONE_RAFT_LEADER_PER_TERM}: the Raft model elects at most one leader per term;</li>
 * <li>{@link Rule#WATCHDOG_FED}: on every live member, an armed watchdog is fed or disarmed within its
 *     timeout (the watchdog module's whole-second timeout for the Raft timing, 1 s by default). No
 *     simulated agent freezes, so an expiry means the agent left the watchdog armed and unfed; a
 *     real host would be reset then, and the simulation resets it (kills the node, milestone
 *     {@code WATCHDOG_RESET}) before it reports the violation. Shown to fail once by leaving the
 *     watchdog armed after the fence (no disarm by the guard or the HA loop):
 *     {@code ClusterSimulationTest#detectsAWatchdogLeftArmedAndUnfed} does that through a test switch;</li>
 * <li>{@link Rule#REQUIRED_WATCHDOG_ARMED}: with {@code watchdog.mode: required}, a member running the
 *     primary (writable, leader with lease holding the leader key, no stop of PostgreSQL under way:
 *     a stop has signalled the postmaster already, so a freeze of the agent cannot keep it up;
 *     the model only counts it writable until the stop ends) has its watchdog armed, unless its applied
 *     state is paused or its agent has not run a cycle since the resume (maintenance mode disarms the
 *     watchdog by design, as Patroni's pause does, and the primary re-arms it in its first cycle after). Shown to
 *     fail by {@code ClusterSimulationTest#detectsARequiredWatchdogThatIsNotArmed} (a device that
 *     silently arms nothing).</li>
 * <li>{@link Rule#SWITCHOVER_KEEPS_ACKNOWLEDGED_WRITES}: a member that takes the leader key from a
 *     released switchover handover promotes at or past the old primary's last WAL position (every
 *     commit a client saw acknowledged, the shutdown checkpoint included). Shown to fail once by
 *     a build whose {@code SwitchoverRules} claimed without checking the received position (the
 *     {@code local.writeLsn().isAfter(handover.checkpoint())} test removed): the 300 default seeds
 *     with {@code -Dsim.operator=true} then reported it on 9 seeds (5 Dec 2026);</li>
 * <li>{@link Rule#PAUSED_NOTHING_STARTED_OR_STOPPED}: while the member's applied state is paused,
 *     its agent begins no PostgreSQL start, stop, promotion, clone, rewind or data removal; only
 *     the fence's immediate stop. Shown to fail once by a build whose {@code HaDecider} skipped
 *     the pause rule: the 300 default seeds with {@code -Dsim.operator=true} then reported it on 213
 *     seeds (5 Dec 2026).</li>
 * <li>{@link Rule#NO_ACKNOWLEDGED_COMMIT_LOST}: a server that becomes the writable primary on a new
 *     branch holds every commit acknowledged while {@code synchronous_mode} was on or quorum
 *     ({@link CommitLedger}: acknowledgements under the synchronous_standby_names each primary ran
 *     with). Losses of asynchronously acknowledged commits are counted, not asserted. Shown to fail
 *     once by a build whose {@code PromotionRule} ignored the published state (its first line
 *     {@code return Optional.empty();}): {@code SyncSimulationTest} then reported it on
 *     seed 17 of seeds 1..20, in on and in quorum mode (n3 promoted without n1's last acknowledged
 *     commits; 5 Dec 2026).</li>
 * <li>{@link Rule#TIMELINE_NUMBERS_UNIQUE}: no promotion creates a timeline number an earlier promotion
 *     created, once the promoting member's applied state runs feature level 9 (timeline reservation;
 *     promotions before it are not tracked). Two branches with one number look like one timeline to
 *     PostgreSQL, pg_rewind and the decider alike. Shown to fail once by a build whose executor
 *     reserved nothing before promoting (the {@code reserveTimelines} call removed): the 300 default seeds
 *     then reported it on 6 seeds (102, 115, 180, 192, 247, 280; 5 Dec 2026), none with it.</li>
 * </ol>
 *
 * <p>Threading: single-threaded; called by the scheduler after each event and by the Raft and
 * PostgreSQL fakes at appends and promotions.
 */
public final class Invariants {

    public enum Rule {
        ONE_WRITABLE_PRIMARY, ONE_VIP_HOLDER, TERMS_NEVER_DECREASE, PROMOTION_WITHIN_LAG, TIMELINES_NEVER_DECREASE,
        FENCED_WITHIN_BUDGET, ONE_RAFT_LEADER_PER_TERM, WATCHDOG_FED,
        REQUIRED_WATCHDOG_ARMED, SWITCHOVER_KEEPS_ACKNOWLEDGED_WRITES, PAUSED_NOTHING_STARTED_OR_STOPPED,
        NO_ACKNOWLEDGED_COMMIT_LOST, TIMELINE_NUMBERS_UNIQUE
    }

    /** A handover claim's promotion must reach {@code lastWrite}, {@code from}'s final position. */
    private record HandoverClaim(String from, Lsn lastWrite) { }

    private record Claim(long term, Lsn knownPosition, long maxLag) { }

    private final long seed;
    private final List<String> nodes;
    private final Map<String, FakePostgres> postgres;
    private final Map<String, SimAgent> agents;
    private final SimulatedRaft raft;
    private final EventScheduler scheduler;
    private final long fenceBudgetMillis;
    private final long watchdogTimeoutMillis;
    private final java.util.function.Consumer<String> watchdogReset;
    private final boolean watchdogRequired;
    private final Supplier<String> context;
    private final long[] lastTerm;
    private final long[] generation;
    private final long[] lastTimeline;
    private final long[] unsafeSince;
    private final java.util.Set<String> orphans = new java.util.HashSet<>();
    private final Map<Long, String> leaderOfTerm = new HashMap<>();
    private final Map<String, Claim> claims = new HashMap<>();
    private final Map<String, HandoverClaim> handoverClaims = new HashMap<>();
    private final Map<Long, String> timelineCreators = new HashMap<>();
    private final long[] checks = new long[Rule.values().length];
    private CommitLedger ledger;
    private long previousCheckMillis;
    private long longestUnsafeMillis;

    Invariants(long seed, List<String> nodes, Map<String, FakePostgres> postgres, Map<String, SimAgent> agents,
               SimulatedRaft raft, EventScheduler scheduler, long fenceBudgetMillis, long watchdogTimeoutMillis,
               java.util.function.Consumer<String> watchdogReset, boolean watchdogRequired,
               Supplier<String> context) {
        this.seed = seed;
        this.nodes = List.copyOf(nodes);
        this.postgres = postgres;
        this.agents = agents;
        this.raft = raft;
        this.scheduler = scheduler;
        this.fenceBudgetMillis = fenceBudgetMillis;
        this.watchdogTimeoutMillis = watchdogTimeoutMillis;
        this.watchdogReset = watchdogReset;
        this.watchdogRequired = watchdogRequired;
        this.context = context;
        this.lastTerm = new long[nodes.size()];
        this.generation = new long[nodes.size()];
        this.lastTimeline = new long[nodes.size()];
        this.unsafeSince = new long[nodes.size()];
        java.util.Arrays.fill(unsafeSince, -1);
    }

    /** Runs every per-event check. */
    void check() {
        long now = scheduler.nowMillis();
        List<String> writable = new ArrayList<>();
        List<String> vipHolders = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String node = nodes.get(i);
            FakePostgres pg = postgres.get(node);
            if (pg.isWritable() && !orphans.contains(node)) {
                writable.add(node);
            }
            if (agents.get(node).vip().isPresent()) {
                vipHolders.add(node);
            }
            checkTerm(i, node);
            checkTimeline(i, node, pg);
            checkFence(i, node, pg, now);
            checkWatchdog(node);
            checkRequiredWatchdog(node, pg);
        }
        checkLedger();
        count(Rule.ONE_WRITABLE_PRIMARY);
        if (writable.size() > 1) {
            fail(Rule.ONE_WRITABLE_PRIMARY, writable.size() + " writable primaries at once: " + writable);
        }
        count(Rule.ONE_VIP_HOLDER);
        if (vipHolders.size() > 1) {
            fail(Rule.ONE_VIP_HOLDER, "the VIP is held by " + vipHolders);
        }
        previousCheckMillis = now;
    }

    /**
     * {@code node}'s agent died and left its PostgreSQL running (a scripted fault): from now on it is
     * exempt from {@link Rule#FENCED_WITHIN_BUDGET} and {@link Rule#ONE_WRITABLE_PRIMARY}, which only a
     * live agent (or the lease gate) can keep. The ledger still counts every commit it acknowledges.
     */
    void orphaned(String node) {
        orphans.add(node);
    }

    /** The ledger of acknowledged commits, checked after every event from now on. */
    void useLedger(CommitLedger commits) {
        this.ledger = commits;
    }

    private void checkLedger() {
        if (ledger == null) {
            return;
        }
        count(Rule.NO_ACKNOWLEDGED_COMMIT_LOST);
        CommitLedger.Loss loss = ledger.check();
        if (loss != null) {
            fail(Rule.NO_ACKNOWLEDGED_COMMIT_LOST, loss + ": acknowledged commits lost");
        }
    }

    private void checkTerm(int i, String node) {
        count(Rule.TERMS_NEVER_DECREASE);
        long term = raft.term(node);
        if (term < lastTerm[i]) {
            fail(Rule.TERMS_NEVER_DECREASE, node + "'s Raft term went from " + lastTerm[i] + " to " + term);
        }
        lastTerm[i] = term;
        RaftView view = raft.view(node);
        if (view.role() == RaftRole.LEADER) {
            count(Rule.ONE_RAFT_LEADER_PER_TERM);
            String previous = leaderOfTerm.putIfAbsent(view.term(), node);
            if (previous != null && !previous.equals(node)) {
                fail(Rule.ONE_RAFT_LEADER_PER_TERM, previous + " and " + node + " both led term " + view.term());
            }
        }
    }

    private void checkTimeline(int i, String node, FakePostgres pg) {
        count(Rule.TIMELINES_NEVER_DECREASE);
        if (pg.generation() != generation[i]) {
            generation[i] = pg.generation();
            lastTimeline[i] = pg.timeline();
            return;
        }
        if (pg.timeline() < lastTimeline[i]) {
            fail(Rule.TIMELINES_NEVER_DECREASE, node + "'s data directory went from timeline " + lastTimeline[i]
                    + " to " + pg.timeline() + " without a re-clone");
        }
        lastTimeline[i] = pg.timeline();
    }

    private void checkFence(int i, String node, FakePostgres pg, long now) {
        count(Rule.FENCED_WITHIN_BUDGET);
        boolean unsafe = pg.isWritable() && !raft.view(node).isLeaderWithLease() && !orphans.contains(node);
        if (!unsafe) {
            unsafeSince[i] = -1;
            return;
        }
        if (unsafeSince[i] < 0) {
            // The lease may have run out between two events; anything else changes only in an event.
            long leaseEnd = raft.leaseUntilMillis(node);
            unsafeSince[i] = leaseEnd > previousCheckMillis && leaseEnd <= now ? leaseEnd : now;
        }
        long unsafeFor = now - unsafeSince[i];
        longestUnsafeMillis = Math.max(longestUnsafeMillis, unsafeFor);
        if (unsafeFor > fenceBudgetMillis) {
            fail(Rule.FENCED_WITHIN_BUDGET, node + " has been writable without a valid lease for " + unsafeFor
                    + " ms (since t=" + unsafeSince[i] + "), budget " + fenceBudgetMillis + " ms");
        }
    }

    private void checkWatchdog(String node) {
        count(Rule.WATCHDOG_FED);
        SimAgent agent = agents.get(node);
        if (agent.isAlive() && agent.watchdog().hasExpired(watchdogTimeoutMillis)) {
            long lastFed = agent.watchdog().lastFedMillis();
            watchdogReset.accept(node);
            fail(Rule.WATCHDOG_FED, node + "'s watchdog was armed and last fed at t=" + lastFed + ", more than its "
                    + watchdogTimeoutMillis + " ms timeout ago: its host is reset");
        }
    }

    private void checkRequiredWatchdog(String node, FakePostgres pg) {
        if (!watchdogRequired) {
            return;
        }
        count(Rule.REQUIRED_WATCHDOG_ARMED);
        SimAgent agent = agents.get(node);
        if (agent.isAlive() && pg.isWritable() && agent.holdsPrimaryRole() && !agent.isStopping()
                && !agent.watchdog().isArmed() && !pausedOrJustResumed(node, agent)) {
            fail(Rule.REQUIRED_WATCHDOG_ARMED, node + " runs the primary with watchdog.mode required but its"
                    + " watchdog is not armed");
        }
    }

    private static final java.util.Set<io.raftgres.core.decide.Reason> pauseReasons = java.util.EnumSet.of(
            io.raftgres.core.decide.Reason.PAUSED, io.raftgres.core.decide.Reason.PAUSED_PRIMARY);

    /** Paused, or resumed but the agent's last cycle still decided on the paused state (it re-arms in the next). */
    private boolean pausedOrJustResumed(String node, SimAgent agent) {
        return raft.committedState(node).paused()
                || agent.lastDecision() != null && pauseReasons.contains(agent.lastDecision().reason());
    }

    /** Raft hook: remembers what the replicated state knew about the primary when a claim was appended. */
    void commandAppended(Command command, ClusterState before, ApplyResult result) {
        if (command instanceof Command.ClaimLeader claim && result.accepted()) {
            claims.put(claim.member(), new Claim(claim.term(), before.lastPrimaryPosition(),
                    before.config().maximumLagOnFailover()));
            handoverClaims.remove(claim.member());
            var handover = before.activeSwitchover() == null ? null : before.activeSwitchover().handover();
            if (handover != null && handover.released() && handover.to().equals(claim.member())
                    && before.leader() != null) {
                // The old primary stopped cleanly for the release and may not restart while the record
                // stands: its position now is its last acknowledged commit plus the shutdown checkpoint.
                FakePostgres old = postgres.get(before.leader().member());
                if (!old.history().isEmpty() && old.history().getLast().timeline() == handover.timeline()) {
                    handoverClaims.put(claim.member(), new HandoverClaim(old.name(), old.writeLsn()));
                }
            }
        }
    }

    /** Executor hook: {@code node}'s agent begins {@code action}, which starts, stops or changes PostgreSQL. */
    void lifecycleAction(String node, String action) {
        count(Rule.PAUSED_NOTHING_STARTED_OR_STOPPED);
        if (raft.committedState(node).paused()) {
            fail(Rule.PAUSED_NOTHING_STARTED_OR_STOPPED, node + " began " + action + " while its state is paused");
        }
    }

    /** PostgreSQL hook: a promotion happened on {@code node} at {@code at}. */
    void promoted(String node, Lsn at, long newTimeline) {
        count(Rule.TIMELINE_NUMBERS_UNIQUE);
        if (raft.committedState(node).featureLevel() >= FeatureLevel.TIMELINE_RESERVATION) {
            String earlier = timelineCreators.putIfAbsent(newTimeline, node + " at " + at);
            if (earlier != null) {
                fail(Rule.TIMELINE_NUMBERS_UNIQUE, node + " promoted at " + at + " to timeline " + newTimeline
                        + ", which " + earlier + " created before");
            }
        }
        HandoverClaim handover = handoverClaims.remove(node);
        if (handover != null) {
            count(Rule.SWITCHOVER_KEEPS_ACKNOWLEDGED_WRITES);
            if (handover.lastWrite().isAfter(at)) {
                fail(Rule.SWITCHOVER_KEEPS_ACKNOWLEDGED_WRITES, node + " promoted at " + at + " after a switchover"
                        + " handover from " + handover.from() + ", whose last WAL position was "
                        + handover.lastWrite() + ": acknowledged commits lost");
            }
        }
        count(Rule.PROMOTION_WITHIN_LAG);
        Claim claim = claims.get(node);
        if (claim == null) {
            fail(Rule.PROMOTION_WITHIN_LAG, node + " promoted to timeline " + newTimeline + " without a leader claim");
            return;
        }
        if (claim.knownPosition() != null && at.lagBehind(claim.knownPosition()) > claim.maxLag()) {
            fail(Rule.PROMOTION_WITHIN_LAG, node + " promoted at " + at + ", " + at.lagBehind(claim.knownPosition())
                    + " bytes behind the last known primary position " + claim.knownPosition() + " (limit "
                    + claim.maxLag() + ", claim of term " + claim.term() + ")");
        }
    }

    /** How many times each rule was evaluated. */
    public Map<Rule, Long> checkCounts() {
        Map<Rule, Long> counts = new EnumMap<>(Rule.class);
        for (Rule rule : Rule.values()) {
            counts.put(rule, checks[rule.ordinal()]);
        }
        return counts;
    }

    /** The longest stretch any node was writable without a lease (ms). */
    public long longestUnsafeMillis() {
        return longestUnsafeMillis;
    }

    private void count(Rule rule) {
        checks[rule.ordinal()]++;
    }

    private void fail(Rule rule, String detail) {
        long event = scheduler.executedEvents();
        throw new InvariantViolation(seed, rule, event, "invariant " + rule + " violated (seed " + seed + ", event #"
                + event + ", t=" + scheduler.nowMillis() + " ms): " + detail + "\n" + context.get()
                + "replay (randomized runs): mvn -pl testkit test -Dtest=ClusterSimulationTest#replaysOneSeed -Dsim.seed="
                + seed);
    }
}
