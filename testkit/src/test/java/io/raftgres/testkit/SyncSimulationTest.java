package io.raftgres.testkit;

import io.raftgres.core.model.SyncMode;
import io.raftgres.core.model.SyncSettings;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The randomized simulation in each synchronous mode: the same seeds (kills, shutdowns, restarts,
 * partitions, PostgreSQL crashes; {@link ClusterSimulationTest}'s schedule) run once per mode with
 * the real {@code SyncPlanner} on every member ({@link SimSyncReplication}) and the real
 * {@code PromotionRule} in the decider, and {@link Invariants.Rule#NO_ACKNOWLEDGED_COMMIT_LOST}
 * checked after every event. {@code -Dsim.sync.seeds=N -Dsim.sync.firstSeed=S} choose the seeds
 * (default 30 from 1); a failing seed is replayed with
 * {@code -Dtest=SyncSimulationTest#replaysOneSeed -Dsim.seed=S -Dsim.sync.mode=quorum [-Dsim.sync.strict=true]
 * [-Dsim.sync.gate=false]}.
 *
 * <p>The rule was shown to fail once by a build whose {@code PromotionRule.check} returned
 * {@code Optional.empty()} for every candidate (no synchronous restriction): see {@link Invariants}.
 */
@Tag("simulation")
class SyncSimulationTest {

    private static final long FIRST = Long.getLong("sim.sync.firstSeed", 1);
    private static final int SEEDS = Integer.getInteger("sim.sync.seeds", 30);

    @Test
    void onModeLosesNoAcknowledgedCommit() {
        assertNoLoss(new SyncSettings(SyncMode.ON, false, 1), true);
    }

    @Test
    void quorumModeLosesNoAcknowledgedCommit() {
        assertNoLoss(new SyncSettings(SyncMode.QUORUM, false, 1), true);
    }

    @Test
    void strictModesLoseNoAcknowledgedCommit() {
        assertNoLoss(new SyncSettings(SyncMode.ON, true, 1), true);
        assertNoLoss(new SyncSettings(SyncMode.QUORUM, true, 1), true);
    }

    @Test
    void withoutTheLeaseGateSynchronousModesLoseNoAcknowledgedCommit() {
        assertNoLoss(new SyncSettings(SyncMode.ON, false, 1), false);
        assertNoLoss(new SyncSettings(SyncMode.QUORUM, false, 1), false);
    }

    /**
     * The gap this simulation found: without the lease gate, a replica promoted in a synchronous
     * mode acknowledged commits under whatever synchronous_standby_names it inherited (none, when it
     * was cloned before the primary set one) until its planner published its own state; fenced
     * before that, the old published state let the former primary be promoted without those
     * commits. Seed 252 in on mode: n2 promotes while being isolated, acknowledges up to 0/10B3176
     * alone and is fenced; n1, the published state's primary, is promoted at 0/108F164. Seeds 196,
     * 252 and 334 of 1..500 broke the rule that way before standbys without the gate held
     * {@code StandbyNames.hold()} ({@code SyncPlanner}'s REPLICA_HOLD); with the hold, 0 of 500.
     */
    @Test
    void withoutTheLeaseGateANewPrimaryAcknowledgesNothingBeforeItPublishes() {
        SyncSettings on = new SyncSettings(SyncMode.ON, false, 1);
        for (long seed : new long[] {196, 252, 334}) {
            ClusterSimulation sim = simulation(seed, on, false);
            sim.run();
            assertTrue(sim.commits().synchronousBranches() > 1, "seed " + seed + " acknowledged nothing synchronously");
        }
    }

    /** Asynchronous replication: losses are expected and counted; the ledger must see some, or it sees nothing. */
    @Test
    void offModeReportsItsLosses() {
        Batch batch = Batch.run(SyncSettings.OFF, true);
        assertTrue(batch.violations.isEmpty(), batch.report());
        assertTrue(batch.lostBranches > 0, "no asynchronous loss in " + SEEDS + " seeds: is the ledger blind?\n"
                + batch.report());
    }

    @Test
    void replaysOneSeed() {
        long seed = Long.getLong("sim.seed", 1);
        SyncSettings settings = new SyncSettings(SyncMode.parse(System.getProperty("sim.sync.mode", "quorum")).orElseThrow(),
                Boolean.getBoolean("sim.sync.strict"), 1);
        ClusterSimulation sim = simulation(seed, settings, !"false".equals(System.getProperty("sim.sync.gate")));
        try {
            ClusterSimulation.Result result = sim.run();
            System.out.println("seed " + seed + " " + settings + ": " + result.liveness() + ", asynchronous losses "
                    + sim.commits().losses());
        } finally {
            sim.milestones().forEach(m -> System.out.println("  " + m));
            System.out.println(sim.describe());
            System.out.println("acknowledged: " + sim.commits().acknowledged());
        }
    }

    private static ClusterSimulation simulation(long seed, SyncSettings settings, boolean gate) {
        SimulationOptions options = SimulationOptions.randomized(seed, ClusterSimulationTest.FAULT_MILLIS,
                ClusterSimulationTest.CALM_MILLIS);
        ClusterSimulation sim = new ClusterSimulation(options.withDynamicConfig(
                options.dynamicConfig().withSync(settings)));
        return gate ? sim : sim.withoutLeaseGate();
    }

    private static void assertNoLoss(SyncSettings settings, boolean gate) {
        Batch batch = Batch.run(settings, gate);
        if (!batch.violations.isEmpty()) {
            StringBuilder seeds = new StringBuilder();
            batch.violations.forEach(v -> seeds.append("\n  seed ").append(v.seed()).append(": ")
                    .append(v.getMessage().lines().findFirst().orElse("")));
            fail(batch.report() + seeds + "\n\nfirst failure in full:\n" + batch.violations.getFirst().getMessage());
        }
        assertEquals(0, batch.lostBranches, batch.report());
        assertTrue(batch.promotions > 0, "no failover at all: " + batch.report());
        assertTrue(batch.syncBranches > batch.runs, "synchronous mode hardly in effect: " + batch.report());
    }

    /** One mode over the seeds. */
    private record Batch(String what, List<InvariantViolation> violations, int lostBranches, int promotions,
                         int syncBranches, int healthy, int runs, long wallMillis) {

        static Batch run(SyncSettings settings, boolean gate) {
            long start = System.nanoTime();
            List<InvariantViolation> violations = new ArrayList<>();
            int lost = 0;
            int promotions = 0;
            int healthy = 0;
            int runs = 0;
            int syncBranches = 0;
            for (long seed = FIRST; seed < FIRST + SEEDS; seed++) {
                ClusterSimulation sim = simulation(seed, settings, gate);
                try {
                    ClusterSimulation.Result r = sim.run();
                    runs++;
                    promotions += r.failovers();
                    healthy += r.liveness().isHealthy() || r.liveness().isLegitimatelyStuck() ? 1 : 0;
                    lost += sim.commits().losses().size();
                    syncBranches += sim.commits().synchronousBranches();
                } catch (InvariantViolation v) {
                    violations.add(v);
                }
            }
            Batch batch = new Batch(settings + (gate ? " with the lease gate" : " without the lease gate"),
                    violations, lost, promotions, syncBranches, healthy, runs, (System.nanoTime() - start) / 1_000_000);
            System.out.println(batch.report());
            return batch;
        }

        String report() {
            return String.format("sync simulation, %s: %d seeds in %d ms wall, %d violations, %d promotions,"
                            + " %d timeline branches with synchronously acknowledged commits, %d asynchronous losses,"
                            + " %d of %d completed runs healthy (or legitimately stuck) at the end",
                    what, SEEDS, wallMillis, violations.size(), promotions, syncBranches, lostBranches, healthy, runs);
        }
    }
}
