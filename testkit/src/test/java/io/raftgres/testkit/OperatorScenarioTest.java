package io.raftgres.testkit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operator requests on the simulated cluster without faults, submitted through Raft as the REST
 * API submits them: switchover, scheduled and cancelled switchover, pause and resume. Every
 * invariant is checked after every event, the switchover and pause rules included.
 */
@Tag("simulation")
class OperatorScenarioTest {

    private static final long SEED = 7;

    @Test
    void switchoverMovesThePrimaryAndKeepsEveryWrite() {
        ClusterSimulation sim = FailoverScenarioTest.healthyCluster(SEED);
        String old = sim.writablePrimary();
        String candidate = old.equals("n2") ? "n3" : "n2";
        long before = sim.now();
        sim.requestSwitchover(old, old, candidate, 0);

        assertTrue(sim.awaitCondition(() -> candidate.equals(sim.writablePrimary()), 10_000), sim::describe);
        assertTrue(sim.awaitCondition(() -> sim.checkLiveness().isHealthy(), 10_000), sim::describe);
        assertEquals(1, sim.invariants().checkCounts().get(Invariants.Rule.SWITCHOVER_KEEPS_ACKNOWLEDGED_WRITES),
                "the promotion was not checked as a handover\n" + sim.describe());
        assertTrue(sim.milestones(Milestone.Kind.REWOUND).stream().noneMatch(m -> m.atMillis() > before),
                "the old primary needed pg_rewind after a clean switchover\n" + sim.describe());
        assertTrue(sim.agent(candidate).vip().isPresent(), "the VIP did not follow the primary");
    }

    @Test
    void switchoverWithoutCandidatePicksAReplica() {
        ClusterSimulation sim = FailoverScenarioTest.healthyCluster(SEED);
        String old = sim.writablePrimary();
        sim.requestSwitchover(old, old, null, 0);

        assertTrue(sim.awaitCondition(() -> sim.writablePrimary() != null && !old.equals(sim.writablePrimary()),
                10_000), sim::describe);
        assertTrue(sim.awaitCondition(() -> sim.checkLiveness().isHealthy(), 10_000), sim::describe);
    }

    @Test
    void scheduledSwitchoverRunsWhenDueAndNotWhenCancelled() {
        ClusterSimulation sim = FailoverScenarioTest.healthyCluster(SEED);
        String old = sim.writablePrimary();
        sim.requestSwitchover(old, old, null, SimClock.WALL_EPOCH_MILLIS + sim.now() + 5_000);
        sim.runFor(1_000);
        sim.cancelSwitchover(old);
        sim.runFor(8_000);
        assertEquals(old, sim.writablePrimary(), "a cancelled switchover ran\n" + sim.describe());

        long due = sim.now() + 4_000;
        sim.requestSwitchover(old, old, null, SimClock.WALL_EPOCH_MILLIS + due);
        sim.runFor(3_000);
        assertEquals(old, sim.writablePrimary(), "a scheduled switchover ran early\n" + sim.describe());
        assertTrue(sim.awaitCondition(() -> sim.writablePrimary() != null && !old.equals(sim.writablePrimary()),
                10_000), sim::describe);
    }

    @Test
    void pausedClusterLeavesACrashedPrimaryDownUntilResumed() {
        ClusterSimulation sim = FailoverScenarioTest.healthyCluster(SEED);
        String primary = sim.writablePrimary();
        sim.setPaused(primary, true);
        assertTrue(sim.awaitCondition(sim::isPaused, 2_000), sim::describe);
        sim.runFor(2_000);
        assertTrue(sim.agent(primary).vip().isPresent(), "pause removed the primary's VIP\n" + sim.describe());

        long crashedAt = sim.now();
        sim.crashPostgres(primary);
        sim.runFor(20_000);
        assertFalse(sim.postgres(primary).isRunning(), "a paused agent restarted PostgreSQL\n" + sim.describe());
        assertTrue(sim.milestones(Milestone.Kind.PROMOTED).stream().noneMatch(m -> m.atMillis() > crashedAt),
                "a member was promoted while paused\n" + sim.describe());

        sim.setPaused(primary, false);
        assertTrue(sim.awaitCondition(() -> sim.checkLiveness().isHealthy(), 20_000), sim::describe);
        assertNotEquals(null, sim.writablePrimary());
        assertTrue(sim.agent(sim.writablePrimary()).watchdog().isArmed(), "the watchdog was not re-armed on resume");
    }
}
