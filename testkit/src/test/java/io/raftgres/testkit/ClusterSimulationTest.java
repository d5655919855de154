package io.raftgres.testkit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The seeded cluster simulation (model-codebases §8.4 layer 3, in the style of Kafka's
 * RaftEventSimulationTest): many seeds of bootstrap, two minutes of random faults, healing and
 * 30 s of calm, with every safety invariant checked after every event and liveness checked at
 * the end. {@code -Dsim.seeds=N -Dsim.firstSeed=S} choose the seeds; operator switchovers,
 * manual failovers and pauses join the schedule unless {@code -Dsim.operator=false}; a failing
 * seed is replayed with {@code -Dtest=ClusterSimulationTest#replaysOneSeed -Dsim.seed=S} (plus the
 * same {@code sim.operator}, and {@code -Dsim.detector=true} for a {@link SilenceDetectorSimulationTest} seed;
 * {@code -Dsim.echo=true} prints every event and decision).
 *
 * <p>A new leader here counts its takeover delay from its last contact with the old leader when its log proves it
 * (the model's mirror of the raft module's {@code LastContact}: the earliest contact after which no lease heartbeat
 * of the leader key's holder reached it). Shown to fail on deliberately broken builds
 * (2026-12-05): without the VIP's share of {@code SafetyTiming.takeoverDelayFromContact}, seeds 142 and 3 of the
 * defaults broke ONE_VIP_HOLDER (the deposed primary's VIP removal, up to 2 s, still running when the new primary
 * added it); with the contact taken 700 ms too early, seed 155 broke it; with the scan for the key holder's lease
 * heartbeats after a mark removed (any earlier leader's contact proven), seeds 142, 155 and 287 broke it.
 */
@Tag("simulation")
class ClusterSimulationTest {

    static final long FAULT_MILLIS = 120_000;
    /**
     * Longer than the longest start back-off ({@code RetryPolicy.MAX_DELAY_MILLIS}, 30 s) by 10 s: a member whose
     * sixth failed start fell just before the heal retries only 30 s later (detector seed 843 ended 36 ms before
     * that retry finished when the window was 30 s).
     */
    static final long CALM_MILLIS = io.raftgres.core.decide.RetryPolicy.MAX_DELAY_MILLIS + 10_000;
    /**
     * Switchover, manual failover and pause events join the random schedule; {@code -Dsim.operator=false}
     * leaves them out (the fault-only schedule, whose seeds differ from the operator ones).
     */
    static final boolean OPERATOR = !"false".equals(System.getProperty("sim.operator"));

    /** Runs the seeds once, on first use, for the tests that share them. */
    private static final class Seeds {
        static final Summary SUMMARY = Summary.run(Long.getLong("sim.firstSeed", 1), Integer.getInteger("sim.seeds", 300));
    }

    @Test
    void randomSeedsKeepEverySafetyInvariant() {
        Summary summary = Seeds.SUMMARY;
        if (!summary.violations.isEmpty()) {
            InvariantViolation first = summary.violations.getFirst();
            StringBuilder seeds = new StringBuilder();
            summary.violations.forEach(v -> seeds.append("\n  seed ").append(v.seed()).append(": ")
                    .append(v.getMessage().lines().findFirst().orElse("")));
            fail(summary.violations.size() + " of " + summary.seeds + " seeds broke a safety invariant:" + seeds
                    + "\n\nfirst failure in full:\n" + first.getMessage());
        }
        assertTrue(summary.checks.get(Invariants.Rule.ONE_WRITABLE_PRIMARY) > summary.events / 2,
                "invariants were not checked after every event");
    }

    @Test
    void randomSeedsRecoverOnceHealed() {
        Summary summary = Seeds.SUMMARY;
        List<ClusterSimulation.Result> notLive = summary.results.stream()
                .filter(r -> !r.liveness().isHealthy() && !r.liveness().isLegitimatelyStuck()).toList();
        if (notLive.isEmpty()) {
            return;
        }
        StringBuilder seeds = new StringBuilder();
        notLive.forEach(r -> seeds.append("\n  seed ").append(r.seed()).append(": ").append(r.liveness())
                .append("\n    replay: mvn -pl testkit -am test -Dtest=ClusterSimulationTest#replaysOneSeed "
                        + "-Dsurefire.failIfNoSpecifiedTests=false -Dsim.operator=").append(OPERATOR).append(" -Dsim.seed=")
                .append(r.seed()));
        String report = notLive.size() + " of " + summary.results.size() + " seeds had no healthy cluster "
                + CALM_MILLIS / 1000 + " s after healing:" + seeds;
        // No tolerance: before timeline branches (feature level 7) about 1 % of seeds never recovered,
        // because two promotions reached the same timeline number from the same parent at the same LSN
        // and a member on the abandoned branch waited forever (seeds 252, 400, 1428, 1444). With operator
        // events, 15 of 2,000 seeds did until a switching-over primary recorded its unrecorded timeline
        // first (seeds 84, 179, 337, 1084, 1106, ...).
        fail(report);
    }

    @Test
    void replaysOneSeed() {
        long seed = Long.getLong("sim.seed", 3);
        SimulationOptions options = SimulationOptions.randomized(seed, FAULT_MILLIS, CALM_MILLIS);
        // -Dsim.detector=true: the Raft model campaigns as the agent's leader silence detector makes it
        ClusterSimulation sim = new ClusterSimulation(Boolean.getBoolean("sim.detector")
                ? options.withRaft(RaftTiming.DEFAULT.withSilenceDetector()) : options);
        if (OPERATOR) {
            sim.withOperatorEvents();
        }
        // -Dsim.echo=true: print every event and decision as it happens (grep the output by member).
        sim.trace().echo(Boolean.getBoolean("sim.echo"));
        ClusterSimulation.Result result;
        try {
            result = sim.run();
        } finally {
            System.out.println("seed " + seed + " milestones:");
            sim.milestones().forEach(m -> System.out.println("  " + m));
            System.out.println(sim.describe());
        }
        System.out.println("seed " + seed + ": " + result.liveness());
        assertTrue(result.liveness().isHealthy() || result.liveness().isLegitimatelyStuck(),
                () -> "seed " + seed + ": " + result.liveness());
    }

    @Test
    void sameSeedGivesTheSameRun() {
        SimulationOptions options = SimulationOptions.randomized(11, 30_000, 10_000);
        ClusterSimulation a = new ClusterSimulation(options);
        ClusterSimulation b = new ClusterSimulation(options);
        ClusterSimulation.Result first = a.run();
        ClusterSimulation.Result second = b.run();
        assertEquals(first.events(), second.events());
        assertEquals(a.milestones(), b.milestones());
        assertTrue(a.milestones().size() > 10, "too quiet a run to compare: " + a.milestones());
    }

    @Test
    void detectsTwoPrimariesWhenTheLeaseOutlivesTheElectionTimeout() {
        // Negative control: a 6 s lease breaks the timing rule (L + check + fence < ET_min), and the
        // decider's own waits (freshness, takeover) are off; the isolated old primary keeps its lease
        // until its Raft server steps down (ET_max) and keeps writing past the new promotion.
        SimulationOptions broken = SimulationOptions.defaults(5).withRaft(RaftTiming.DEFAULT.withLeaseMillis(6_000))
                .withDeciderWaits(0, 0);
        ClusterSimulation sim = new ClusterSimulation(broken);
        sim.start();
        assertTrue(sim.awaitCondition(() -> sim.checkLiveness().isHealthy(), 20_000), sim::describe);
        sim.isolate(sim.writablePrimary());
        InvariantViolation violation = assertThrows(InvariantViolation.class, () -> sim.runFor(20_000));
        assertEquals(Invariants.Rule.ONE_WRITABLE_PRIMARY, violation.rule(), violation.getMessage());
        assertTrue(violation.getMessage().contains("-Dsim.seed=5"), violation.getMessage());
    }

    /**
     * Negative control for issue 9 item 8: every VIP removal here may be slow (up to 2000 ms, as when
     * it waits for an add or renewal holding the VIP lock, then for {@code ip}). When the fence
     * stops PostgreSQL only after the VIP is gone (the agent before item 8), the isolated primary
     * stays writable past check interval + fence budget and
     * {@link Invariants.Rule#FENCED_WITHIN_BUDGET} fails; with the stop and the bounded removal
     * started together (the agent now) the same run keeps it.
     */
    @Test
    void detectsAFenceThatWaitsForTheVip() {
        long seed = 1;
        while (seed <= 20 && !isolatedPrimaryBreaksTheFenceBudget(seed, true)) {
            seed++;
        }
        assertTrue(seed <= 20, "the late fence went unnoticed on seeds 1..20");
        assertTrue(!isolatedPrimaryBreaksTheFenceBudget(seed, false), "the concurrent fence broke the budget");
    }

    /**
     * Negative control for {@link Invariants.Rule#WATCHDOG_FED}: a fence that stops PostgreSQL but
     * leaves the watchdog armed (the guard's and the HA loop's disarm switched off) leaves it unfed
     * once the lease is gone; the simulation resets the host and reports it. The same run with the agent's
     * guard keeps the rule ({@link FailoverScenarioTest#fencesIsolatedPrimaryBeforeNewPrimaryPromotes}).
     */
    @Test
    void detectsAWatchdogLeftArmedAndUnfed() {
        ClusterSimulation sim = new ClusterSimulation(SimulationOptions.defaults(5));
        sim.breakWatchdogDisarm();
        sim.start();
        assertTrue(sim.awaitCondition(() -> sim.checkLiveness().isHealthy(), 20_000), sim::describe);
        String old = sim.writablePrimary();
        sim.isolate(old);
        InvariantViolation violation = assertThrows(InvariantViolation.class, () -> sim.runFor(15_000));
        assertEquals(Invariants.Rule.WATCHDOG_FED, violation.rule(), violation.getMessage());
        assertEquals(1, sim.milestones(Milestone.Kind.WATCHDOG_RESET).size(), sim::describe);
    }

    /**
     * Negative control for {@link Invariants.Rule#REQUIRED_WATCHDOG_ARMED}: in required mode, a
     * bootstrapping member whose device silently arms nothing (as the automatic policy would without
     * a device) runs the primary unprotected, and the rule says so; with the device working the
     * same cluster comes up healthy with the watchdog armed on the primary.
     */
    @Test
    void detectsARequiredWatchdogThatIsNotArmed() {
        SimulationOptions required = SimulationOptions.defaults(3)
                .withWatchdog(new SimulationOptions.WatchdogSetup(true, java.util.Set.of()));
        ClusterSimulation broken = new ClusterSimulation(required);
        broken.agent("n1").watchdog().setAutomatic(true);
        broken.agent("n1").watchdog().setUnavailable(true);
        broken.start();
        InvariantViolation violation = assertThrows(InvariantViolation.class,
                () -> broken.awaitCondition(() -> broken.checkLiveness().isHealthy(), 20_000));
        assertEquals(Invariants.Rule.REQUIRED_WATCHDOG_ARMED, violation.rule(), violation.getMessage());

        ClusterSimulation working = new ClusterSimulation(required);
        working.start();
        assertTrue(working.awaitCondition(() -> working.checkLiveness().isHealthy(), 20_000), working::describe);
        assertTrue(working.agent(working.writablePrimary()).watchdog().isArmed());
    }

    private static boolean isolatedPrimaryBreaksTheFenceBudget(long seed, boolean fenceWaitsForVip) {
        AgentTiming d = AgentTiming.DEFAULT;
        AgentTiming slowVip = new AgentTiming(d.initdbMillis(), d.startMillis(), d.promoteMillis(), d.stopFastMillis(), d.fenceMinMillis(),
                d.cloneMillis(), d.rewindMillis(), d.removeDataMillis(), 2000, 2000);
        ClusterSimulation sim = new ClusterSimulation(SimulationOptions.defaults(seed).withAgent(slowVip));
        if (fenceWaitsForVip) {
            sim.fenceWaitingForTheVip();
        }
        sim.start();
        assertTrue(sim.awaitCondition(() -> sim.checkLiveness().isHealthy(), 20_000), sim::describe);
        sim.isolate(sim.writablePrimary());
        try {
            sim.runFor(15_000);
            return false;
        } catch (InvariantViolation v) {
            assertEquals(Invariants.Rule.FENCED_WITHIN_BUDGET, v.rule(), v.getMessage());
            return true;
        }
    }

    /** What a batch of seeds did. */
    private record Summary(int seeds, List<ClusterSimulation.Result> results, List<InvariantViolation> violations,
                           Map<Invariants.Rule, Long> checks, long events, long wallMillis) {

        static Summary run(long firstSeed, int count) {
            long start = System.nanoTime();
            List<ClusterSimulation.Result> results = new ArrayList<>();
            List<InvariantViolation> violations = new ArrayList<>();
            Map<Invariants.Rule, Long> checks = new EnumMap<>(Invariants.Rule.class);
            long events = 0;
            for (long seed = firstSeed; seed < firstSeed + count; seed++) {
                try {
                    ClusterSimulation sim = new ClusterSimulation(SimulationOptions.randomized(seed, FAULT_MILLIS,
                            CALM_MILLIS));
                    ClusterSimulation.Result r = (OPERATOR ? sim.withOperatorEvents() : sim).run();
                    results.add(r);
                    events += r.events();
                    r.checks().forEach((rule, n) -> checks.merge(rule, n, Long::sum));
                } catch (InvariantViolation v) {
                    violations.add(v);
                }
            }
            Summary summary = new Summary(count, results, violations, checks, events,
                    (System.nanoTime() - start) / 1_000_000);
            System.out.println(summary.report());
            return summary;
        }

        String report() {
            long healthy = results.stream().filter(r -> r.liveness().isHealthy()).count();
            long byRewindFailure = results.stream().filter(r -> r.liveness().isStuckAfterRewindFailure()).count();
            long legit = results.stream().filter(r -> r.liveness().isLegitimatelyStuck()).count();
            long failovers = results.stream().mapToLong(ClusterSimulation.Result::failovers).sum();
            long unsafe = results.stream().mapToLong(ClusterSimulation.Result::longestUnsafeMillis).max().orElse(0);
            long busiest = results.stream().mapToLong(ClusterSimulation.Result::maxCyclesPerSecond).max().orElse(0);
            StringBuilder out = new StringBuilder(String.format(
                    "cluster simulation: %d seeds x %d s simulated in %d ms wall, %d events, %d promotions%n"
                            + "  safety: %d violations; invariant evaluations %s%n"
                            + "  longest writable-without-lease window %d ms; busiest agent %d HA cycles/s%n"
                            + "  liveness: %d healthy, %d legitimately stuck (%d of them after a failed pg_rewind), "
                            + "%d not live%n",
                    seeds, (FAULT_MILLIS + CALM_MILLIS) / 1000, wallMillis, events, failovers, violations.size(),
                    checks, unsafe, busiest, healthy, legit, byRewindFailure, results.size() - healthy - legit));
            results.stream().filter(r -> r.liveness().isLegitimatelyStuck())
                    .forEach(r -> out.append("  seed ").append(r.seed()).append(": ").append(r.liveness()).append('\n'));
            return out.toString();
        }
    }
}
