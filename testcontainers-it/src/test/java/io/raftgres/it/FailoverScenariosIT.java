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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The failover suite (issues 3, 4 and 9): three container hosts each running the raftgres
 * distribution and PostgreSQL 15, faults injected the way production breaks, a writer through
 * the VIP (or, for agent-crash, to the crashed member's own address), and after every scenario
 * the safety checks: no two members acknowledging writes in overlapping windows (the split-brain
 * detector commits with {@code synchronous_commit = local}, so this tests raftgres' fencing, not
 * PostgreSQL's synchronous replication), the VIP never on two hosts (watched every 100 ms,
 * including on a paused host), every acknowledged write present, cluster healthy again. Timing
 * goals are reported in target/failover-report.md, not asserted.
 *
 * <p>The cluster runs with quorum commit ({@link Replication#QUORUM}): no acknowledged write may
 * be lost and no acknowledging windows may overlap. partition-primary, freeze-primary and
 * agent-crash run again with asynchronous replication ({@link Replication#ASYNC}): the writes the
 * deposed primary acknowledged that the new one never received are lost, and are asserted to be
 * confined to the deposed primary's last moments and reported. Overlaps are asserted absent
 * where fencing guarantees it today, else reported (see {@link #LEASE_GATE}).
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
    /**
     * The hook for issue 10's lease gate. Without it, a primary that thaws acknowledges local
     * commits until its agent has stopped PostgreSQL, after another member was promoted (both
     * modes: the detector commits locally), and an asynchronous orphan whose agent died does so
     * until the restarted agent's start-up fence; freeze-primary (both modes) and agent-crash
     * (asynchronous) report such an overlap instead of failing on it. Once a lapsed lease closes
     * the gate, set this to true: they then assert zero overlap like the other runs.
     */
    static final boolean LEASE_GATE = false;

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
                assertSafe(o, true);
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
                ScenarioRun.Outcome o = run.finish("new primary " + next.name(), old);
                assertSafe(o, true);
                assertNotEquals(old.name(), o.finalPrimary().name(), "the killed primary must rejoin as a replica");
                assertTrue(o.log().firstAckMillisFrom(next.name()) > fault, "the new primary must accept writes");
                assertLoss(o, Replication.QUORUM, old, fault - LAG_WINDOW_MILLIS, fault);
            }
        }
    }

    @ParameterizedTest(name = "partition-primary, {0}")
    @EnumSource(Replication.class)
    @Order(3)
    void partitionedPrimaryStopsAcceptingBeforeTheMajorityPromotes(Replication mode) throws Exception {
        String scenario = "partition-primary" + mode.suffix();
        try (ClusterFixture cluster = agentCluster(scenario, mode)) {
            Node old = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            try (ScenarioRun run = ScenarioRun.start(scenario, cluster, old)) {
                run.hold(BASELINE);
                long fault = run.clock().millis();
                run.faults().partition(old, cluster.others(old));
                Node next = ClusterHealth.awaitPrimaryOtherThan(cluster, old, FAILOVER_TIMEOUT);
                run.holdUntil(fault + FAULT_HOLD_MILLIS);
                run.faults().heal(old);
                ScenarioRun.Outcome o = run.finish("new primary " + next.name(), old);
                // The lease guard fences a cut-off primary before any other member may be promoted,
                // whatever the replication: asserted in both modes.
                assertHandOver(o, old, next, fault, true);
                assertNotEquals(old.name(), o.finalPrimary().name(), "the healed old primary must rejoin as a replica");
                assertLoss(o, mode, old, fault - LAG_WINDOW_MILLIS, fault + FENCE_BOUND_MILLIS);
            }
        }
    }

    @ParameterizedTest(name = "freeze-primary, {0}")
    @EnumSource(Replication.class)
    @Order(4)
    void frozenPrimaryNeverAcknowledgesAfterTheNewPrimaryWasPromoted(Replication mode) throws Exception {
        String scenario = "freeze-primary" + mode.suffix();
        try (ClusterFixture cluster = agentCluster(scenario, mode)) {
            Node old = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            try (ScenarioRun run = ScenarioRun.start(scenario, cluster, old)) {
                run.hold(BASELINE);
                long fault = run.clock().millis();
                run.faults().pause(old);
                Node next = ClusterHealth.awaitPrimaryOtherThan(cluster, old, FAILOVER_TIMEOUT);
                run.holdUntil(fault + FAULT_HOLD_MILLIS);
                run.faults().unpause(old);
                ScenarioRun.Outcome o = run.finish("new primary " + next.name(), old);
                // A thawed primary acknowledges local commits until its guard, starved of CPU like
                // everything else that thaws at once, has stopped PostgreSQL: the detector saw 0.3-0.7 s
                // of it in all four runs of 4 Dec 2026, with quorum commit too (the detector commits
                // locally; quorum commit protects only sessions that wait for a standby, hence no loss
                // below). Only a watchdog (none in containers) or the lease gate close that window:
                // reported in both modes until the gate lands.
                assertHandOver(o, old, next, fault, LEASE_GATE);
                assertLoss(o, mode, old, fault - LAG_WINDOW_MILLIS, fault);
            }
        }
    }

    /**
     * Issue 9 item 4: the agent of the primary dies (SIGKILL) while its PostgreSQL keeps running,
     * and a supervisor restarts it after {@value AgentSupervisor#RESTART_DELAY_SECONDS} s as systemd
     * would, but without systemd's KillMode taking PostgreSQL down with the agent. The writer writes
     * to the crashed member's own address (its VIP expires with nobody renewing it), like a client
     * that does not follow the VIP. The restarted agent's start-up fence must stop the orphan before
     * it joins Raft.
     */
    @ParameterizedTest(name = "agent-crash, {0}")
    @EnumSource(Replication.class)
    @Order(5)
    void aRestartedAgentStopsTheOrphanPrimaryBeforeItJoinsRaft(Replication mode) throws Exception {
        String scenario = "agent-crash" + mode.suffix();
        try (ClusterFixture cluster = ClusterFixture.builder().label(scenario).replication(mode)
                .command(spec -> AgentSupervisor.command()).start()) {
            Node old = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            try (ScenarioRun run = ScenarioRun.start(scenario, cluster, old, PgTarget.direct(old.postgres()))) {
                run.hold(BASELINE);
                long fault = run.clock().millis();
                run.faults().killAgent(old);
                Node next = ClusterHealth.awaitPrimaryOtherThan(cluster, old, FAILOVER_TIMEOUT);
                run.hold(AFTER_FAILOVER);
                ScenarioRun.Outcome o = run.finish("agent of " + old.name() + " SIGKILLed, its PostgreSQL left running,"
                        + " agent restarted after " + AgentSupervisor.RESTART_DELAY_SECONDS + " s; new primary "
                        + next.name(), old);
                assertTrue(old.logs().contains("start-up fence: "),
                        "the restarted agent's start-up fence must have stopped the orphan primary");
                assertHandOver(o, old, next, fault, mode == Replication.QUORUM || LEASE_GATE);
                assertLoss(o, mode, old, fault - LAG_WINDOW_MILLIS, Math.max(fault, o.lastAckMillis(old.name())));
            }
        }
    }

    @Test
    @Order(6)
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
                assertSafe(o, true);
                assertEquals(primary.name(), o.finalPrimary().name(), "losing a replica must not move the primary");
                assertEquals(0, o.check().lostCount(), o.check().toString());
            }
        }
    }

    @Test
    @Order(7)
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
                assertSafe(o, true);
                assertLoss(o, Replication.QUORUM, primary, fault, fault);
            }
        }
    }

    @Test
    @Order(8)
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
                assertSafe(o, true);
                assertEquals(0, o.check().lostCount(), "a clean restart must keep every acknowledged write: " + o.check());
                assertEquals(systemId, systemIdentifier(o.finalPrimary()), "same cluster after the restart");
            }
        }
    }

    private static ClusterFixture agentCluster(String scenario) {
        return agentCluster(scenario, Replication.QUORUM);
    }

    private static ClusterFixture agentCluster(String scenario, Replication mode) {
        return ClusterFixture.builder().label(scenario).replication(mode).start();
    }

    /**
     * No two hosts ever held the VIP in the same 100 ms look, and the final primary held the VIP
     * alone at the end. No two members acknowledged writes in overlapping windows, asserted when
     * {@code noOverlap} says it is guaranteed today, else reported (the report's split-brain column
     * and notes).
     */
    private static void assertSafe(ScenarioRun.Outcome o, boolean noOverlap) {
        if (noOverlap) {
            assertFalse(o.check().splitBrain(), () -> "split brain: " + o.check().overlaps());
        }
        assertTrue(o.vip().onSeveralHosts().isEmpty(), () -> "VIP on several hosts: " + o.vip().onSeveralHosts());
        assertEquals(java.util.Set.of(o.finalPrimary().name()), o.vip().lastHolders(),
                "the final primary, and only it, must hold the VIP");
    }

    /**
     * The new primary acknowledged writes after the fault. When {@code noOverlap}: no acknowledging
     * windows overlapped, and the deposed primary acknowledged its last write (the writer's or the
     * detector's) before the new primary its first.
     */
    private static void assertHandOver(ScenarioRun.Outcome o, Node deposed, Node next, long fault, boolean noOverlap) {
        assertSafe(o, noOverlap);
        long nextFirst = o.firstAckMillis(next.name());
        assertTrue(nextFirst > fault, () -> next.name() + ", the new primary, must acknowledge writes after the fault");
        if (noOverlap) {
            assertTrue(o.lastAckMillis(deposed.name()) < nextFirst, () -> deposed.name()
                    + " must stop acknowledging before the new primary " + next.name() + " acknowledges its first write");
        }
    }

    /**
     * Quorum commit: no acknowledged write is lost. Asynchronous replication: every lost write was
     * acknowledged by the deposed primary within [from, to] (scenario time), its last moments as
     * primary: the writes it acknowledged that its replicas had not received when the new primary
     * was promoted. Writes acknowledged by any other member are never lost. Losses are reported in
     * the scenario's report row.
     */
    private static void assertLoss(ScenarioRun.Outcome o, Replication mode, Node deposed, long fromMillis,
                                   long toMillis) {
        if (mode == Replication.QUORUM) {
            assertEquals(0, o.check().lostCount(), () -> "quorum commit must lose no acknowledged write: "
                    + o.log().attemptsOf(new HashSet<>(o.check().lost())));
            return;
        }
        List<WriteLog.Attempt> lost = o.log().attemptsOf(new HashSet<>(o.check().lost()));
        List<WriteLog.Attempt> outside = lost.stream().filter(a -> !deposed.name().equals(a.server())
                || a.endMillis() < fromMillis || a.endMillis() > toMillis).toList();
        assertTrue(outside.isEmpty(), () -> "acknowledged writes lost outside the deposed primary's last moments ["
                + fromMillis + ", " + toMillis + "] ms of " + deposed.name() + ": " + outside.stream()
                .map(WriteLog.Attempt::toString).collect(Collectors.joining("; ")));
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
