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
 * detector writes to every member's own address), the VIP never on two hosts (watched every 100 ms,
 * including on a paused host), every acknowledged write present, cluster healthy again. Timing
 * goals are reported in target/failover-report.md, not asserted.
 *
 * <p>The cluster runs in managed quorum mode with the lease gate ({@link Replication#QUORUM}; the
 * detector commits locally, so this tests raftgres' fencing, not PostgreSQL's synchronous
 * replication): no acknowledged write may be lost and no acknowledging windows may overlap, except
 * in freeze-primary, where a thawed primary acknowledges local commits until its agent, thawed at
 * the same moment, stops it: only a watchdog closes that window, so it is reported.
 * partition-primary, freeze-primary and agent-crash run again with asynchronous replication and
 * the lease gate ({@link Replication#ASYNC}; the detector commits as an application would): no
 * overlap in any of them, nothing lost in agent-crash, and in partition and freeze only writes the
 * deposed primary acknowledged before its lease's end (or issued before the freeze) lost, reported.
 *
 * kill-primary runs again in {@code synchronous_mode: on} ({@link Replication#ON}): nothing lost.
 *
 * pause and pause-partition (issue 11): in maintenance mode a killed primary stays down and no one
 * promotes until resume; a paused primary cut off is still fenced at its lease's end, before the
 * majority, resumed there, promotes.
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
    /** How long a partition or freeze lasts: long enough for the new primary to take writes for a while. */
    private static final long FAULT_HOLD_MILLIS = 20_000;
    /**
     * How long the lossy-network scenarios hold 20 % loss: 120 s by default (long enough for several
     * lease lapses, short enough for the suite's budget), {@code -Dit.lossy.seconds=300} for the issue's
     * five minutes.
     */
    private static final Duration LOSSY_HOLD = Duration.ofSeconds(Long.getLong("it.lossy.seconds", 120));

    /** The quorum-mode lossy run's hold: 60 s by default, {@code -Dit.lossy.quorum.seconds=N} to change it. */
    private static final Duration QUORUM_LOSSY_HOLD = Duration.ofSeconds(Long.getLong("it.lossy.quorum.seconds", 60));
    /**
     * How long, after a lossy network healed, the VIP must have been on the healthy primary alone before the
     * final checks. A lapse under way when the window opens has fenced well within it (its fence starts at
     * the last acknowledged heartbeat + 1380 ms, at most 380 ms after the lease's end), and so has one that
     * begins during the window's first second; 3 s leave a margin on a loaded host.
     */
    private static final Duration SETTLE_QUIET = Duration.ofSeconds(3);
    /** Replication lag on a healthy cluster is milliseconds; older unreplicated writes are a bug. */
    private static final long LAG_WINDOW_MILLIS = 2_000;
    /**
     * With the lease gate: the lease (1000 ms, from the last heartbeat sent before the fault) ends the
     * gate's acknowledgements; plus 1000 ms for an acknowledgement already sent to reach the test JVM
     * on a loaded host.
     */
    private static final long LEASE_BOUND_MILLIS = 2_000;

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

    /** In quorum mode (the suite's default) and in {@code synchronous_mode: on}: nothing acknowledged lost. */
    @ParameterizedTest(name = "kill-primary, {0}")
    @EnumSource(value = Replication.class, names = {"QUORUM", "ON"})
    @Order(2)
    void killPrimaryPromotesAReplicaAndTheOldPrimaryRejoins(Replication mode) throws Exception {
        String scenario = "kill-primary" + mode.suffix();
        try (ClusterFixture cluster = agentCluster(scenario, mode)) {
            Node old = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            try (ScenarioRun run = ScenarioRun.start(scenario, cluster, old)) {
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
                assertLoss(o, mode, old, fault - LAG_WINDOW_MILLIS, fault, false);
            }
        }
    }

    @ParameterizedTest(name = "partition-primary, {0}")
    @EnumSource(value = Replication.class, names = {"QUORUM", "ASYNC"})
    @Order(3)
    void partitionedPrimaryStopsAcceptingBeforeTheMajorityPromotes(Replication mode) throws Exception {
        // -Dit.replication=QUORUM (or ASYNC) runs one mode only, to save machine time.
        org.junit.jupiter.api.Assumptions.assumeTrue(
                System.getProperty("it.replication", mode.name()).equals(mode.name()), "it.replication");
        String scenario = "partition-primary" + mode.suffix();
        try (ClusterFixture cluster = agentCluster(scenario, mode)) {
            Node old = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            try (ScenarioRun run = ScenarioRun.start(scenario, cluster, old)) {
                Partition p = partitionAndHeal(run, cluster, old);
                long fault = p.faultMillis();
                Node next = p.next();
                ScenarioRun.Outcome o = run.finish("new primary " + next.name(), old);
                // The lease guard fences a cut-off primary before any other member may be promoted,
                // whatever the replication: asserted in both modes. With the gate, the old primary
                // acknowledges nothing after its lease's end: only writes before it may be lost.
                assertHandOver(o, old, next, fault, true);
                assertNotEquals(old.name(), o.finalPrimary().name(), "the healed old primary must rejoin as a replica");
                assertLoss(o, mode, old, fault - LAG_WINDOW_MILLIS, fault + LEASE_BOUND_MILLIS, false);
            }
        }
    }

    /**
     * Without a VIP (clients find the writable member themselves, as behind HAProxy), a new leader counts its takeover
     * delay from its proven last contact with the cut-off primary ({@code LastContact}), so it may promote as soon as
     * it is elected. The cut-off primary is alive: its lease guard must stop it acknowledging first, which the
     * split-brain detector's probes (each member's own address, {@code synchronous_commit = local}) check, and
     * nothing acknowledged may be lost (quorum commit). The detector and the loss check are the suite's own, shown to
     * fail with the lease guard off; a broken takeover rule alone would not fail here, because the survivors notice
     * the silence (2.3 s) only after the cut-off primary's gated fence is over (2.0 s): the rule's own failures are
     * shown in {@code LastContactTest} and the simulation.
     */
    @Test
    @Order(3)
    void partitionedPrimaryWithoutVipIsFencedBeforeTheMajorityTakesOver() throws Exception {
        String scenario = "partition-primary-novip";
        try (ClusterFixture cluster = ClusterFixture.builder().label(scenario).replication(Replication.QUORUM)
                .config((spec, config) -> config.remove("vip")).start()) {
            Node old = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            try (ScenarioRun run = ScenarioRun.startWithoutVip(scenario, cluster, old)) {
                Partition p = partitionAndHeal(run, cluster, old);
                long fault = p.faultMillis();
                Node next = p.next();
                ScenarioRun.Outcome o = run.finish("new primary " + next.name() + "; no VIP", old);
                assertFalse(o.check().splitBrain(), () -> "split brain: " + o.check().overlaps());
                assertTrue(o.vip().onSeveralHosts().isEmpty() && o.vip().lastHolders().isEmpty(),
                        () -> "no member may add a VIP that is not configured: " + o.vip().lastHolders());
                long nextFirst = o.firstAckMillis(next.name());
                assertTrue(nextFirst > fault, () -> next.name() + " must acknowledge writes after the fault");
                assertTrue(o.lastAckMillis(old.name()) < nextFirst, () -> old.name()
                        + " must stop acknowledging before the new primary " + next.name() + " acknowledges");
                assertNotEquals(old.name(), o.finalPrimary().name(), "the healed old primary must rejoin as a replica");
                assertLoss(o, Replication.QUORUM, old, fault - LAG_WINDOW_MILLIS, fault + LEASE_BOUND_MILLIS, false);
            }
        }
    }

    @ParameterizedTest(name = "freeze-primary, {0}")
    @EnumSource(value = Replication.class, names = {"QUORUM", "ASYNC"})
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
                // Quorum mode: the detector commits locally, which opts out of the gate and of the
                // synchronous standbys, so a thawed primary acknowledges those commits until its guard,
                // starved of CPU like everything else that thaws at once, has stopped PostgreSQL
                // (0.3-0.7 s in all four runs of 4 Dec 2026). Nothing the agent runs can precede its own
                // thaw; only a watchdog (none in containers) closes that window, so it is reported.
                // Quorum commit protects the writer's sessions, hence no loss. Asynchronous with the
                // gate, the detector commits as an application would: the thawed gate sees its lease
                // ended and acknowledges nothing: no overlap, and only writes issued before the freeze
                // may be lost.
                assertHandOver(o, old, next, fault, !mode.detectorCommitsLocally());
                assertLoss(o, mode, old, fault - LAG_WINDOW_MILLIS, fault + LEASE_BOUND_MILLIS, true);
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
    @EnumSource(value = Replication.class, names = {"QUORUM", "ASYNC"})
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
                // Quorum commit: the orphan's standbys follow the new primary. Gate: the gate's connection
                // died with the agent, so the orphan acknowledges nothing more. Both: no overlap, no loss.
                assertHandOver(o, old, next, fault, true);
                assertEquals(0, o.check().lostCount(), () -> "no acknowledged write may be lost: "
                        + o.log().attemptsOf(new HashSet<>(o.check().lost())));
            }
        }
    }

    /**
     * Issue 11: a planned switchover through {@code POST /switchover} while the writer writes through
     * the VIP. The old primary names the candidate, drops the VIP, stops cleanly, releases; the
     * candidate promotes once it holds the shutdown checkpoint. No acknowledged write may be lost
     * (asynchronous with the lease gate too), the VIP moves to the candidate and is never on two
     * hosts, no acknowledging windows overlap, and the old primary rejoins without pg_rewind.
     */
    @ParameterizedTest(name = "switchover, {0}")
    @EnumSource(value = Replication.class, names = {"QUORUM", "ASYNC"})
    @Order(5)
    void switchoverMovesPrimaryAndVipToTheCandidateWithoutLoss(Replication mode) throws Exception {
        String scenario = "switchover" + mode.suffix();
        try (ClusterFixture cluster = agentCluster(scenario, mode)) {
            Node old = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            Node candidate = cluster.others(old).getFirst();
            try (ScenarioRun run = ScenarioRun.start(scenario, cluster, old)) {
                run.hold(BASELINE);
                long fault = run.clock().millis();
                run.faults().record("POST /switchover " + old.name() + " -> " + candidate.name());
                var answer = AgentRest.post(old.rest(), "/switchover", "{\"leader\": \"" + old.name()
                        + "\", \"candidate\": \"" + candidate.name() + "\"}", Duration.ofSeconds(40));
                assertEquals(200, answer.getKey(), answer.getValue());
                Node next = ClusterHealth.awaitPrimaryOtherThan(cluster, old, FAILOVER_TIMEOUT);
                run.hold(AFTER_FAILOVER);
                ScenarioRun.Outcome o = run.finish("switchover to " + candidate.name() + ": " + answer.getValue(), old);
                assertEquals(candidate.name(), next.name());
                assertHandOver(o, old, next, fault, true);
                assertEquals(candidate.name(), o.finalPrimary().name());
                assertEquals(0, o.check().lostCount(), () -> "no acknowledged write may be lost: "
                        + o.log().attemptsOf(new HashSet<>(o.check().lost())));
                assertFalse(old.logs().contains("rewinding from"), "the old primary must rejoin without pg_rewind");
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

    /**
     * 20 % loss on the primary with the lease gate (the default configuration, asynchronous replication):
     * leader changes, PostgreSQL starts on the primary, its fences and gated lapses, and the sum of the
     * writer's gaps of 1 s or more are reported. Nothing acknowledged is lost while the primary stays.
     */
    @Test
    @Order(7)
    void lossyNetworkOnThePrimary() throws Exception {
        lossyNetwork(Replication.ASYNC, false, LOSSY_HOLD);
    }

    /**
     * The same in managed quorum mode (issue 12), held {@link #QUORUM_LOSSY_HOLD}: nothing acknowledged may
     * be lost, whether or not the primary changes (asserted by {@code assertLoss} for quorum mode). Quorum
     * mode fences at every lasting lapse (the gate is not in effect there: docs/quorum-lease-gate.md), and a
     * lapse under way at the heal fences a moment after it; the scenario therefore waits until the cluster
     * has settled before its final checks (it once met the primary restarting, its VIP not yet back). Runs
     * by default; {@code -Dit.lossy.quorum=false} skips it (100-120 s; 4 of 4 runs passed on 5 Dec 2026).
     */
    @Test
    @Order(7)
    void lossyNetworkInQuorumMode() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.parseBoolean(System.getProperty("it.lossy.quorum", "true")),
                "skipped: -Dit.lossy.quorum=false");
        lossyNetwork(Replication.QUORUM, false, QUORUM_LOSSY_HOLD);
    }

    /**
     * Opt-in ({@code -Dit.lossy.compare=true}): the floor, the same loss on PostgreSQL's traffic only (the agents'
     * Raft and REST traffic untouched), with the gate: what the loss costs the writer whatever the HA tool does.
     */
    @Test
    @Order(7)
    void lossyNetworkFloor() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("it.lossy.compare"),
                "opt-in: -Dit.lossy.compare=true");
        lossyNetwork(Replication.ASYNC, true, LOSSY_HOLD);
    }

    private static void lossyNetwork(Replication mode, boolean floor, Duration hold) throws Exception {
        String name = "lossy-network" + (floor ? "-floor" : "") + mode.suffix();
        try (ClusterFixture cluster = agentCluster(name, mode)) {
            Node primary = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            try (ScenarioRun run = ScenarioRun.start(name, cluster, primary)) {
                run.hold(BASELINE);
                LossyNetworkStats before = LossyNetworkStats.of(primary);
                long fault = run.clock().millis();
                List<Node> peers = cluster.others(primary);
                if (floor) {
                    run.faults().lossyPostgres(primary, peers, 0.2);
                } else {
                    run.faults().lossy(primary, peers, 0.2);
                }
                run.hold(hold);
                run.faults().heal(primary);
                long healed = run.clock().millis();
                // A lapse under way at the heal may still fence (and PostgreSQL start again) after it: the
                // counts, the gaps and the final checks look at the cluster once it has settled.
                long settled = run.awaitSettled(SETTLE_QUIET, ScenarioRun.HEALTH_TIMEOUT);
                long end = run.clock().millis();
                LossyNetworkStats stats = LossyNetworkStats.of(primary).minus(before);
                long gaps = LossyNetworkStats.sumOfGapsMillis(run.log(), fault, end, 1000);
                ScenarioRun.Outcome o = run.finish(String.format(java.util.Locale.ROOT, "20 %% loss in and out of %s"
                        + " (%s) for %d s; %s; write gaps >= 1 s: %.1f s in all, longest %.1f s (fault to %s)",
                        primary.name(), floor ? "PostgreSQL traffic only" : "all traffic", hold.toSeconds(),
                        stats.describe(primary.name()), gaps / 1000.0,
                        run.log().longestAckGapMillis(fault, end) / 1000.0,
                        settled < 0 ? "the settle timeout, not settled" : "settled"));
                assertSafe(o, true);
                assertLoss(o, mode, primary, fault, healed, false);
                if (o.result().leaderChanges() == 0) {
                    assertEquals(0, o.check().lostCount(), "the primary stayed: nothing acknowledged may be lost");
                }
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

    /**
     * Maintenance mode (issue 11): with {@code pause: true}, PostgreSQL killed by hand on the
     * primary stays down and no member promotes; {@code pause: false} brings the same primary
     * back (its agent still holds leadership and the leader key), with no acknowledged write lost.
     */
    @Test
    @Order(9)
    void pausedClusterLeavesAKilledPrimaryDownUntilResumed() throws Exception {
        try (ClusterFixture cluster = agentCluster("pause")) {
            Node primary = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            try (ScenarioRun run = ScenarioRun.start("pause", cluster, primary)) {
                run.hold(BASELINE);
                setPause(cluster, primary, true);
                run.faults().record("kill PostgreSQL on " + primary.name() + " (paused)");
                primary.exec("sh", "-c", "kill -9 $(head -1 " + AgentConfig.PG_DATA_DIR + "/postmaster.pid)");
                for (int i = 0; i < PAUSED_LOOKS; i++) {
                    Thread.sleep(1000);
                    assertEquals(1, primary.exec("pgrep", "-x", "postgres").getExitCode(),
                            "PostgreSQL on " + primary.name() + " was started again while paused");
                    assertTrue(cluster.nodes().stream().noneMatch(n -> AgentRest.status(n.rest(), "/primary") == 200),
                            "a member became primary while paused");
                }
                setPause(cluster, cluster.others(primary).getFirst(), false);
                ScenarioRun.Outcome o = run.finish("paused: killed PostgreSQL stayed down " + PAUSED_LOOKS
                        + " s, no promotion; resumed", primary);
                assertSafe(o, true);
                assertEquals(0, o.check().lostCount(), o.check().toString());
                assertEquals(primary.name(), o.finalPrimary().name(), "resume restarts the same primary in place");
            }
        }
    }

    /**
     * The pause rule (issue 11): a paused cluster, the primary partitioned off. Pause does not
     * switch off the lease fence, so the cut-off primary stops acknowledging once its lease
     * lapses; the majority, paused, promotes nobody until it is resumed there, then promotes. The
     * detector (synchronous_commit=local on each member's own address) sees no overlapping
     * acknowledgements, and quorum commit loses no acknowledged write; from the fourth second of
     * the partition no postgres process runs on the cut-off primary.
     *
     * <p>Shown to fail: with a deliberately broken build (pause tried before the fence in the
     * decider, and the lease guard skipping its fence while paused; a local hack, never
     * committed) the previous version of this test, without the pgrep look, failed (the cluster
     * never became healthy again) and the cut-off primary's log shows its PostgreSQL fenced only
     * after the heal, so it ran through the whole paused partition: the pgrep look fails on that
     * build.
     */
    @Test
    @Order(10)
    void pausedPartitionedPrimaryIsFencedBeforeTheResumedMajorityPromotes() throws Exception {
        try (ClusterFixture cluster = agentCluster("pause-partition")) {
            Node old = ClusterHealth.awaitHealthy(cluster, BOOTSTRAP_TIMEOUT);
            try (ScenarioRun run = ScenarioRun.start("pause-partition", cluster, old)) {
                run.hold(BASELINE);
                setPause(cluster, old, true);
                long fault = run.clock().millis();
                run.faults().partition(old, cluster.others(old));
                for (int i = 0; i < PAUSED_LOOKS; i++) {
                    Thread.sleep(1000);
                    assertTrue(cluster.others(old).stream().noneMatch(n -> AgentRest.status(n.rest(), "/primary") == 200),
                            "the paused majority promoted a member");
                    if (i >= FENCED_AFTER_LOOKS) {
                        assertEquals(1, old.exec("pgrep", "-x", "postgres").getExitCode(), "the pause rule: "
                                + old.name() + ", paused and cut off, still runs PostgreSQL after its lease lapsed");
                    }
                }
                Node majority = cluster.others(old).getFirst();
                // A follower's first write after the leader was cut off may time out (503) while its
                // Raft client still tries the old leader; an operator retries, and so does the test.
                int[] attempts = {0};
                Await.untilTrue("resume on the majority through " + majority.name(), Duration.ofSeconds(30),
                        Duration.ofSeconds(1), () -> {
                            attempts[0]++;
                            return AgentRest.write(majority.rest(), "PATCH", "/config", "{\"pause\": false}")
                                    .status() == 200;
                        });
                run.faults().record("resumed on the majority through " + majority.name() + " (attempt "
                        + attempts[0] + ")");
                Node next = ClusterHealth.awaitPrimaryOtherThan(cluster, old, FAILOVER_TIMEOUT);
                run.holdUntil(run.clock().millis() + AFTER_FAILOVER.toMillis());
                run.faults().heal(old);
                ScenarioRun.Outcome o = run.finish("paused, primary partitioned, resumed on the majority: new primary "
                        + next.name(), old);
                assertHandOver(o, old, next, fault, true);
                assertNotEquals(old.name(), o.finalPrimary().name(), "the healed old primary must rejoin as a replica");
                assertLoss(o, Replication.QUORUM, old, fault - LAG_WINDOW_MILLIS, fault + LEASE_BOUND_MILLIS, false);
            }
        }
    }

    /** Looks after which a paused, cut-off primary must be fenced: its 1 s lease plus the fence budget, with margin. */
    private static final int FENCED_AFTER_LOOKS = 3;

    /** How many one-second looks a paused scenario takes to see that nothing acts on its own. */
    private static final int PAUSED_LOOKS = 12;

    /** PATCHes {@code pause} through {@code via} and waits until every member shows it in /patroni. */
    private static void setPause(ClusterFixture cluster, Node via, boolean pause) {
        AgentRest.Answer answer = AgentRest.write(via.rest(), "PATCH", "/config", "{\"pause\": " + pause + "}");
        assertEquals(200, answer.status(), "PATCH pause " + pause + ": " + answer.body());
        if (pause) {
            Await.untilTrue("every member to show pause", Duration.ofSeconds(20), Duration.ofMillis(200),
                    () -> cluster.nodes().stream().allMatch(n -> AgentRest.json(n.rest(), "/patroni")
                            .map(j -> j.has("pause") && j.get("pause").asBoolean()).orElse(false)));
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
    /** When the partition began (scenario time) and the primary the majority elected. */
    private record Partition(long faultMillis, Node next) { }

    /**
     * After the baseline, cuts {@code old} off from the other members, waits for another primary, and heals the cut
     * {@code FAULT_HOLD_MILLIS} after it began.
     */
    private static Partition partitionAndHeal(ScenarioRun run, ClusterFixture cluster, Node old) throws Exception {
        run.hold(BASELINE);
        long fault = run.clock().millis();
        run.faults().partition(old, cluster.others(old));
        Node next = ClusterHealth.awaitPrimaryOtherThan(cluster, old, FAILOVER_TIMEOUT);
        run.holdUntil(fault + FAULT_HOLD_MILLIS);
        run.faults().heal(old);
        return new Partition(fault, next);
    }

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
     * was promoted; with {@code issuedBy}, the write must have been issued (not acknowledged) by
     * {@code to}: a freeze holds an acknowledgement already sent until the thaw. Writes acknowledged
     * by any other member are never lost. Losses are reported in the scenario's report row.
     */
    private static void assertLoss(ScenarioRun.Outcome o, Replication mode, Node deposed, long fromMillis,
                                   long toMillis, boolean issuedBy) {
        if (mode.synchronous()) {
            assertEquals(0, o.check().lostCount(), () -> "synchronous commit must lose no acknowledged write: "
                    + o.log().attemptsOf(new HashSet<>(o.check().lost())));
            return;
        }
        List<WriteLog.Attempt> lost = o.log().attemptsOf(new HashSet<>(o.check().lost()));
        List<WriteLog.Attempt> outside = lost.stream().filter(a -> !deposed.name().equals(a.server())
                || a.endMillis() < fromMillis || (issuedBy ? a.startMillis() : a.endMillis()) > toMillis).toList();
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
