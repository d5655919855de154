package io.raftgres.api;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.spi.HaEvents.FenceReason;
import io.raftgres.testkit.Exposition;
import io.raftgres.testkit.Promtool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Contract of {@code GET /metrics} over realistic snapshots: Patroni's metric names, labels and
 * values (primary/replica flags, xlog positions as exact byte integers, timeline, paused,
 * unlocked) so Patroni dashboards and alerts read raftgres unchanged, raftgres' own counters
 * fed by events, and the format as {@code promtool check metrics} sees it. Showed the value
 * checks can fail by making {@code patroni_primary} read "running replica" in
 * {@link PatroniGauges}: primaryServesPatroniValues and replicaServesReceivedAndReplayedPositions
 * failed.
 */
class MetricsEndpointTest {
    private static final FakeAgentFacade FACADE = new FakeAgentFacade(Snapshots.primary().build());
    private static RestServer server;

    @BeforeAll
    static void start() {
        server = RestServer.start("127.0.0.1", 0, FACADE, WriteAuthentication.unauthenticatedWrites());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void primaryServesPatroniValues() {
        FACADE.set(Snapshots.primary().build());
        HttpResponse<String> response = new ApiClient(server.port()).send("GET", "/metrics");
        assertEquals(200, response.statusCode());
        assertEquals(MetricsController.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElse(""));
        Exposition m = Exposition.parse(response.body());
        assertEquals(1, m.value("patroni_primary", "scope", "demo", "name", "n1"));
        assertEquals(0, m.value("patroni_replica"));
        assertEquals(1, m.value("patroni_postgres_running"));
        assertEquals(Snapshots.PRIMARY_LSN.value(), (long) m.value("patroni_xlog_location"));
        assertEquals(0, m.value("patroni_xlog_received_location"));
        assertEquals(2, m.value("patroni_postgres_timeline"));
        assertEquals(150_004, m.value("patroni_postgres_server_version"));
        assertEquals(Snapshots.POSTMASTER_START / 1000.0, m.value("patroni_postmaster_start_time"));
        assertEquals(0, m.value("patroni_cluster_unlocked"));
        assertEquals(0, m.value("patroni_is_paused"));
        assertEquals(100, m.value("patroni_version"));
        assertEquals(3, m.value("raftgres_raft_term"));
        assertEquals(1, m.value("raftgres_raft_role", "role", "leader"));
        assertEquals(0, m.value("raftgres_raft_role", "role", "follower"));
        assertTrue(m.samples().stream().allMatch(s -> "demo".equals(s.labels().get("scope"))
                && "n1".equals(s.labels().get("name"))), "every series has Patroni's scope and name labels");
    }

    @Test
    void replicaServesReceivedAndReplayedPositions() {
        FACADE.set(Snapshots.replica().build());
        Exposition m = scrape();
        assertEquals(0, m.value("patroni_primary"));
        assertEquals(1, m.value("patroni_replica"));
        assertEquals(0, m.value("patroni_xlog_location"));
        assertEquals(Snapshots.REPLICA_LSN.value(), (long) m.value("patroni_xlog_received_location"));
        assertEquals(Snapshots.REPLICA_LSN.value(), (long) m.value("patroni_xlog_replayed_location"));
        assertEquals(1, m.value("patroni_postgres_streaming"));
        assertEquals(0, m.value("patroni_xlog_paused"));
        assertEquals(1, m.value("raftgres_raft_role", "role", "follower"));
    }

    /**
     * Replay paused on a replica: Patroni's {@code patroni_xlog_paused} 1; a primary never reports it.
     * Failed (expected 1, was 0) with the gauge put back to the constant 0 it was before.
     */
    @Test
    void pausedReplayIsOneOnAReplicaOnly() {
        FACADE.set(Snapshots.replica().local(Snapshots.replayPaused(Snapshots.replica().build().local())).build());
        assertEquals(1, scrape().value("patroni_xlog_paused"));
        FACADE.set(Snapshots.primary().local(Snapshots.replayPaused(Snapshots.primary().build().local())).build());
        assertEquals(0, scrape().value("patroni_xlog_paused"));
    }

    @Test
    void stoppedPausedAndLeaderlessMembersReportPatronisZerosAndFlags() {
        FACADE.set(Snapshots.stopped().paused(true).cluster(Snapshots.initializedCluster().withLeader(null)).build());
        Exposition m = scrape();
        assertEquals(0, m.value("patroni_postgres_running"));
        assertEquals(0, m.value("patroni_primary"));
        assertEquals(0, m.value("patroni_replica"));
        assertEquals(0, m.value("patroni_postgres_timeline"));
        assertEquals(0, m.value("patroni_postmaster_start_time"));
        assertEquals(1, m.value("patroni_is_paused"));
        assertEquals(1, m.value("patroni_cluster_unlocked"));
    }

    @Test
    void eventCountersAndCycleHistogram() {
        RaftgresMetrics metrics = new RaftgresMetrics("demo", "n2", () -> new LiveReadings(1234, true, true));
        metrics.fenced(FenceReason.LEASE_LOST);
        metrics.fenced(FenceReason.LEASE_LOST);
        metrics.fenced(FenceReason.HA_DECISION);
        metrics.promoted();
        metrics.cycleCompleted(7_000_000);
        metrics.cycleCompleted(300_000_000);
        Exposition m = Exposition.parse(metrics.scrape(Snapshots.replica().build()));
        assertEquals(2, m.value("raftgres_fences_total", "reason", "lease_lost"));
        assertEquals(1, m.value("raftgres_fences_total", "reason", "ha_decision"));
        assertEquals(0, m.value("raftgres_fences_total", "reason", "guard_failed"));
        assertEquals(1, m.value("raftgres_failovers_total"));
        assertEquals(2, m.value("raftgres_ha_cycle_duration_seconds_count"));
        assertEquals(1, m.value("raftgres_ha_cycle_duration_seconds_bucket", "le", "0.01"));
        assertEquals(2, m.value("raftgres_ha_cycle_duration_seconds_bucket", "le", "0.5"));
        assertEquals(1.234, m.value("raftgres_lease_remaining_seconds"));
        assertEquals(1, m.value("raftgres_vip_held"));
        assertEquals(1, m.value("raftgres_watchdog_armed"));
    }

    @Test
    void countsEachLeaderTermOnce() {
        RaftgresMetrics metrics = new RaftgresMetrics("demo", "n2", () -> LiveReadings.NONE);
        metrics.observeRaft(new RaftView(3, RaftRole.FOLLOWER, "n1", false, false, -1, true));
        metrics.observeRaft(new RaftView(3, RaftRole.FOLLOWER, "n1", false, false, -1, true));
        metrics.observeRaft(new RaftView(4, RaftRole.CANDIDATE, null, false, false, -1, false));
        metrics.observeRaft(new RaftView(5, RaftRole.LEADER, "n2", true, true, 0, true));
        Exposition m = Exposition.parse(metrics.scrape(Snapshots.replica().raft(
                new RaftView(5, RaftRole.LEADER, "n2", true, true, 0, true)).build()));
        assertEquals(2, m.value("raftgres_leader_elections_seen_total"), "term 3 and term 5; term 4 had no leader");
    }

    @Test
    void patroniVersionEncoding() {
        assertEquals(40_000, PatroniGauges.versionNumber("4.0.0"));
        assertEquals(100, PatroniGauges.versionNumber("0.1.0-SNAPSHOT"));
        assertEquals(100_213, PatroniGauges.versionNumber("10.2.13"));
        assertEquals(30_000, PatroniGauges.versionNumber("3"));
    }

    /** Every kind of member's exposition passes promtool's parser and linter (skipped without promtool). */
    @Test
    void promtoolAcceptsEveryKindOfMember() throws Exception {
        Promtool promtool = Promtool.find();
        Assumptions.assumeTrue(promtool.unavailableReason().isEmpty(), () -> promtool.unavailableReason().orElseThrow());
        RaftgresMetrics metrics = new RaftgresMetrics("demo", "n1", () -> new LiveReadings(800, true, true));
        metrics.fenced(FenceReason.GUARD_FAILED);
        metrics.cycleCompleted(12_000_000);
        failOverOnto(metrics);
        for (StatusSnapshot s : List.of(Snapshots.primary().build(), Snapshots.replica().build(),
                Snapshots.stopped().paused(true).build(), Snapshots.uninitialized().cluster(ClusterState.empty("demo")).build())) {
            Promtool.Result result = promtool.checkMetrics(metrics.scrape(s));
            assertTrue(result.passed(), "promtool on " + s.pgState() + " " + s.memberName() + ": exit "
                    + result.exitCode() + "\n" + result.output());
        }
    }

    /** An automatic failover from n0 onto {@code metrics}' member n1, so its duration gauge holds a number. */
    private static void failOverOnto(RaftgresMetrics metrics) {
        ClusterState n0 = ClusterState.empty("demo").withLeader(new LeaderRecord("n0", 3, 1, Lsn.ZERO));
        metrics.observeCluster(new RaftView(3, RaftRole.FOLLOWER, "n0", false, false, -1, true), n0);
        metrics.observeCluster(new RaftView(4, RaftRole.CANDIDATE, null, false, false, -1, true), n0);
        metrics.observeCluster(new RaftView(4, RaftRole.LEADER, "n1", true, true, 0, true),
                n0.withLeader(new LeaderRecord("n1", 4, 1, Lsn.ZERO)));
        metrics.promoted();
        assertTrue(Exposition.parse(metrics.scrape(Snapshots.primary().build()))
                .value("raftgres_failover_last_duration_seconds") >= 0, "a measured failover");
    }

    private static Exposition scrape() {
        HttpResponse<String> response = new ApiClient(server.port()).send("GET", "/metrics");
        assertEquals(200, response.statusCode(), response.body());
        return Exposition.parse(response.body());
    }
}
