package io.raftgres.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The failover suite (issues 3 and 4): three container hosts each running the raftgres
 * distribution and PostgreSQL 15, faults injected the way production breaks, a writer through
 * the VIP only, and after every scenario the safety checks: no split brain, the VIP never on
 * two hosts (watched every 100 ms, including on a paused host), every
 * acknowledged write present except those the deposed primary acknowledged in the moments
 * around the fault (asynchronous replication: counted and reported, never hidden), cluster
 * healthy again. Timing goals are reported in target/failover-report.md, not asserted.
 *
 * <p>Each scenario runs on a fresh cluster and removes it afterwards.
 */
@ExtendWith({DockerRequired.class, AgentRequired.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverScenariosIT {

    private static final Duration BOOTSTRAP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration BASELINE = Duration.ofSeconds(5);
    private static final Duration AFTER_FAILOVER = Duration.ofSeconds(5);
    private static final long FAULT_HOLD_MILLIS = 30_000;
    private static final Duration LOSSY_HOLD = Duration.ofMinutes(2);
    /** Replication lag on a healthy cluster is milliseconds; older unreplicated writes are a bug. */
    private static final long LAG_WINDOW_MILLIS = 2_000;
    /** Lease 1000 + check 100 + fence 500 ms (ARCHITECTURE §3), plus slack for a loaded machine. */
    private static final long FENCE_BOUND_MILLIS = 2_500;

    @Test
    @Order(1)
    void bootstrapElectsOnePrimaryWithTwoStreamingReplicas() throws Exception {
        try (ClusterFixture cluster = agentCluster("bootstrap")) {
            long start = System.nanoTime();
            Node primary = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            double bootSeconds = (System.nanoTime() - start) / 1e9;
            try (ScenarioRun run = ScenarioRun.start("bootstrap", cluster, primary)) {
                run.hold(BASELINE);
                ScenarioRun.Outcome o = run.finish(String.format("healthy %.1f s after containers started", bootSeconds));
                assertSafe(o);
                assertEquals(0, o.check().lostCount(), o.check().toString());
                assertEquals(primary.name(), o.finalPrimary().name());
            }
        }
    }

    @Test
    @Order(2)
    void killPrimaryPromotesAReplicaAndTheOldPrimaryRejoins() throws Exception {
        try (ClusterFixture cluster = agentCluster("kill-primary")) {
            Node old = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            try (ScenarioRun run = ScenarioRun.start("kill-primary", cluster, old)) {
                run.hold(BASELINE);
                long fault = run.clock().millis();
                run.faults().kill(old);
                Node next = ClusterHealth.awaitPrimaryOtherThan(cluster, old, FAILOVER_TIMEOUT);
                run.hold(AFTER_FAILOVER);
                run.faults().start(old);
                ScenarioRun.Outcome o = run.finish("new primary " + next.name());
                assertSafe(o);
                assertNotEquals(old.name(), o.finalPrimary().name(), "the killed primary must rejoin as a replica");
                assertTrue(o.log().firstAckMillisFrom(next.name()) > fault, "the new primary must accept writes");
                assertLossBounded(o, old, fault - LAG_WINDOW_MILLIS, fault);
            }
        }
    }

    @Test
    @Order(3)
    void partitionedPrimaryStopsAcceptingBeforeTheMajorityPromotes() throws Exception {
        try (ClusterFixture cluster = agentCluster("partition-primary")) {
            Node old = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            try (ScenarioRun run = ScenarioRun.start("partition-primary", cluster, old)) {
                run.hold(BASELINE);
                long fault = run.clock().millis();
                run.faults().partition(old, cluster.others(old));
                Node next = ClusterHealth.awaitPrimaryOtherThan(cluster, old, FAILOVER_TIMEOUT);
                run.holdUntil(fault + FAULT_HOLD_MILLIS);
                run.faults().heal(old);
                ScenarioRun.Outcome o = run.finish("new primary " + next.name());
                assertSafe(o);
                long nextFirst = o.log().firstAckMillisFrom(next.name());
                assertTrue(nextFirst > fault, "the majority's new primary must accept writes");
                assertTrue(o.log().lastAckMillisFrom(old.name()) < nextFirst,
                        "the cut-off primary must stop acknowledging before the new primary's first write");
                assertNotEquals(old.name(), o.finalPrimary().name(), "the healed old primary must rejoin as a replica");
                assertLossBounded(o, old, fault - LAG_WINDOW_MILLIS, fault + FENCE_BOUND_MILLIS);
            }
        }
    }

    @Test
    @Order(4)
    void frozenPrimaryNeverAcknowledgesAfterTheNewPrimaryWasPromoted() throws Exception {
        try (ClusterFixture cluster = agentCluster("freeze-primary")) {
            Node old = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            try (ScenarioRun run = ScenarioRun.start("freeze-primary", cluster, old)) {
                run.hold(BASELINE);
                long fault = run.clock().millis();
                run.faults().pause(old);
                Node next = ClusterHealth.awaitPrimaryOtherThan(cluster, old, FAILOVER_TIMEOUT);
                run.holdUntil(fault + FAULT_HOLD_MILLIS);
                run.faults().unpause(old);
                ScenarioRun.Outcome o = run.finish("new primary " + next.name());
                assertSafe(o);
                long nextFirst = o.log().firstAckMillisFrom(next.name());
                assertTrue(nextFirst > fault, "the new primary must accept writes");
                assertTrue(o.log().lastAckMillisFrom(old.name()) < nextFirst,
                        "the unfrozen old primary must never acknowledge after the new primary's first write");
                assertLossBounded(o, old, fault - LAG_WINDOW_MILLIS, fault);
            }
        }
    }

    @Test
    @Order(5)
    void killReplicaDoesNotInterruptWrites() throws Exception {
        try (ClusterFixture cluster = agentCluster("kill-replica")) {
            Node primary = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            Node replica = cluster.others(primary).getFirst();
            try (ScenarioRun run = ScenarioRun.start("kill-replica", cluster, primary)) {
                run.hold(BASELINE);
                run.faults().kill(replica);
                run.hold(Duration.ofSeconds(10));
                run.faults().start(replica);
                ScenarioRun.Outcome o = run.finish("killed " + replica.name());
                assertSafe(o);
                assertEquals(primary.name(), o.finalPrimary().name(), "losing a replica must not move the primary");
                assertEquals(0, o.check().lostCount(), o.check().toString());
            }
        }
    }

    @Test
    @Order(6)
    void lossyNetworkOnThePrimary() throws Exception {
        try (ClusterFixture cluster = agentCluster("lossy-network")) {
            Node primary = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            try (ScenarioRun run = ScenarioRun.start("lossy-network", cluster, primary)) {
                run.hold(BASELINE);
                long fault = run.clock().millis();
                run.faults().lossy(primary, 0.2);
                run.hold(LOSSY_HOLD);
                run.faults().heal(primary);
                ScenarioRun.Outcome o = run.finish("20 % loss in and out of " + primary.name() + " for "
                        + LOSSY_HOLD.toSeconds() + " s");
                assertSafe(o);
                if (o.finalPrimary().name().equals(primary.name()) && o.result().leaderChanges() == 0) {
                    assertEquals(0, o.check().lostCount(), "no failover, so nothing may be lost: " + o.check());
                } else {
                    long successorFirst = o.log().firstAckMillisFrom(o.finalPrimary().name());
                    assertLossBounded(o, primary, fault, Math.max(fault, successorFirst));
                }
            }
        }
    }

    @Test
    @Order(7)
    void restartAllKeepsTheClusterAndItsData() throws Exception {
        try (ClusterFixture cluster = agentCluster("restart-all")) {
            Node primary = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            long systemId = systemIdentifier(primary);
            try (ScenarioRun run = ScenarioRun.start("restart-all", cluster, primary);
                 ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
                run.hold(BASELINE);
                run.detector().newPhase();
                for (Node n : cluster.nodes()) {
                    run.faults().record("stop " + n.name());
                }
                CompletableFuture.allOf(cluster.nodes().stream()
                        .map(n -> CompletableFuture.runAsync(() -> n.stop(30), parallel))
                        .toArray(CompletableFuture[]::new)).join();
                run.detector().newPhase();
                for (Node n : cluster.nodes()) {
                    run.faults().start(n);
                }
                ScenarioRun.Outcome o = run.finish("all members stopped (docker stop) and started");
                assertSafe(o);
                assertEquals(0, o.check().lostCount(), "a clean restart must keep every acknowledged write: " + o.check());
                assertEquals(systemId, systemIdentifier(o.finalPrimary()), "same cluster after the restart");
            }
        }
    }

    private static ClusterFixture agentCluster(String scenario) {
        return ClusterFixture.builder().label(scenario).start();
    }

    /**
     * No two members accepted writes in overlapping windows, no two hosts ever held the VIP in
     * the same 100 ms look, and the final primary held the VIP alone at the end.
     */
    private static void assertSafe(ScenarioRun.Outcome o) {
        assertFalse(o.check().splitBrain(), () -> "split brain: " + o.check().overlaps());
        assertTrue(o.vip().onSeveralHosts().isEmpty(), () -> "VIP on several hosts: " + o.vip().onSeveralHosts());
        assertEquals(java.util.Set.of(o.finalPrimary().name()), o.vip().lastHolders(),
                "the final primary, and only it, must hold the VIP");
    }

    /**
     * Every lost write was acknowledged by the deposed primary within [from, to] (scenario
     * time): the asynchronous-replication window around the fault. Writes acknowledged by any
     * other member must never be lost.
     */
    private static void assertLossBounded(ScenarioRun.Outcome o, Node deposed, long fromMillis, long toMillis) {
        List<WriteLog.Attempt> lost = o.log().attemptsOf(new HashSet<>(o.check().lost()));
        List<WriteLog.Attempt> outside = lost.stream().filter(a -> !deposed.name().equals(a.server())
                || a.endMillis() < fromMillis || a.endMillis() > toMillis).toList();
        assertTrue(outside.isEmpty(), () -> "acknowledged writes lost outside the fault window [" + fromMillis + ", "
                + toMillis + "] ms of " + deposed.name() + ": " + outside.stream().map(WriteLog.Attempt::toString)
                .collect(Collectors.joining("; ")));
    }

    private static long systemIdentifier(Node node) throws SQLException {
        try (Connection c = PgTarget.direct(node.postgres()).connect("raftgres-it-checker");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT system_identifier FROM pg_control_system()")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
