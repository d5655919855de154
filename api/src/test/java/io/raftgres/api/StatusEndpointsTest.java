package io.raftgres.api;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Field names and values of /patroni, /cluster, /history and /config, through a real server. */
class StatusEndpointsTest {

    private static FakeAgentFacade facade;
    private static RestServer server;
    private static ApiClient client;

    @BeforeAll
    static void startServer() {
        facade = new FakeAgentFacade(Snapshots.primary().build());
        server = RestServer.start("127.0.0.1", 0, facade, WriteAuthentication.unauthenticatedWrites());
        client = new ApiClient(server.port());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static List<String> fieldNames(JsonNode node) {
        return new ArrayList<>(node.propertyNames());
    }

    @Test
    void primaryStatusHasPatronisFields() {
        facade.set(Snapshots.primary().build());
        JsonNode s = client.json("/patroni");
        assertEquals(List.of("state", "postmaster_start_time", "role", "server_version", "xlog", "timeline",
                "replication", "database_system_identifier", "cluster_unlocked", "dcs_last_seen", "patroni"),
                fieldNames(s));
        assertEquals("running", s.get("state").asString());
        assertEquals("2026-01-01 00:00:00.000000+00:00", s.get("postmaster_start_time").asString());
        assertEquals("primary", s.get("role").asString());
        assertEquals(150_004, s.get("server_version").asInt());
        assertEquals(Snapshots.PRIMARY_LSN.value(), s.get("xlog").get("location").asLong());
        assertEquals(List.of("location"), fieldNames(s.get("xlog")));
        assertEquals(2, s.get("timeline").asInt());
        JsonNode sender = s.get("replication").get(0);
        assertEquals(List.of("usename", "application_name", "client_addr", "state", "sync_state", "sync_priority"),
                fieldNames(sender));
        assertEquals("n2", sender.get("application_name").asString());
        assertEquals(Snapshots.SYSTEM_ID, s.get("database_system_identifier").asString());
        assertFalse(s.get("cluster_unlocked").asBoolean());
        assertEquals(Snapshots.PROMOTED_AT / 1000, s.get("dcs_last_seen").asLong());
        assertEquals("0.1.0", s.get("patroni").get("version").asString());
        assertEquals("demo", s.get("patroni").get("scope").asString());
        assertEquals("n1", s.get("patroni").get("name").asString());
    }

    @Test
    void statusIsAnAliasOfPatroni() {
        facade.set(Snapshots.replica().build());
        assertEquals(client.json("/patroni"), client.json("/status"));
    }

    @Test
    void replicaStatusShowsReceivedAndReplayedPositionsAndTags() {
        facade.set(Snapshots.replica().build());
        JsonNode s = client.json("/patroni");
        assertEquals("replica", s.get("role").asString());
        JsonNode xlog = s.get("xlog");
        assertEquals(List.of("received_location", "replayed_location", "replayed_timestamp", "paused"), fieldNames(xlog));
        assertEquals(Snapshots.REPLICA_LSN.value(), xlog.get("received_location").asLong());
        assertEquals(Snapshots.REPLICA_LSN.value(), xlog.get("replayed_location").asLong());
        assertTrue(xlog.get("replayed_timestamp").isNull());
        assertFalse(xlog.get("paused").asBoolean());
        assertEquals("streaming", s.get("replication_state").asString());
        assertFalse(s.has("replication"));
        assertEquals("a", s.get("tags").get("zone").asString());
    }

    /** Filled from pg_last_xact_replay_timestamp() through the probe; was always null before. */
    @Test
    void replicaStatusShowsTheLastReplayedCommitTime() {
        LocalPgState probed = Snapshots.replica().build().local();
        LocalPgState withReplay = new LocalPgState(probed.hasDataDirectory(), probed.systemId(), probed.controlState(),
                probed.running(), probed.inRecovery(), probed.timeline(), probed.writeLsn(), probed.replayLsn(),
                probed.streaming(), probed.upstream(), probed.timelineStartLsn(), probed.activity(),
                probed.lastFailure(), probed.failedActivity(), probed.downSinceMillis(), probed.serverVersion(),
                probed.probeError(), Snapshots.PROMOTED_AT, probed.timelineStartReason(), false, null);
        facade.set(Snapshots.replica().local(withReplay).build());
        assertEquals("2026-01-01 00:01:00.500000+00:00",
                client.json("/patroni").get("xlog").get("replayed_timestamp").asString());
    }

    /** pg_is_wal_replay_paused() through the probe, as Patroni's {@code xlog.paused}; was always false before. */
    @Test
    void replicaStatusShowsAPausedReplay() {
        facade.set(Snapshots.replica().local(Snapshots.replayPaused(Snapshots.replica().build().local())).build());
        assertTrue(client.json("/patroni").get("xlog").get("paused").asBoolean());
    }

    @Test
    void stoppedAndUninitializedMembersShowNoPostgresPositions() {
        facade.set(Snapshots.stopped().build());
        JsonNode stopped = client.json("/patroni");
        assertEquals("stopped", stopped.get("state").asString());
        assertEquals("stopped", stopped.get("role").asString());
        assertFalse(stopped.has("xlog") || stopped.has("server_version") || stopped.has("postmaster_start_time"));

        facade.set(Snapshots.uninitialized().build());
        JsonNode fresh = client.json("/patroni");
        assertEquals("uninitialized", fresh.get("role").asString());
        assertTrue(fresh.get("cluster_unlocked").asBoolean());
        assertFalse(fresh.has("database_system_identifier"));
        assertEquals(0, fresh.get("dcs_last_seen").asLong());
    }

    @Test
    void clusterIsUnlockedWhenTheRaftQuorumIsUnreachable() {
        facade.set(Snapshots.replica().raft(new RaftView(3, RaftRole.FOLLOWER, null, false, false, -1, false)).build());
        assertTrue(client.json("/patroni").get("cluster_unlocked").asBoolean());
    }

    @Test
    void watchdogFailureAndPauseAppearOnlyWhenTrue() {
        facade.set(Snapshots.replica().build());
        JsonNode normal = client.json("/patroni");
        assertFalse(normal.has("watchdog_failed") || normal.has("pause"));
        facade.set(Snapshots.replica().watchdogFailed(true).paused(true).build());
        JsonNode flagged = client.json("/patroni");
        assertTrue(flagged.get("watchdog_failed").asBoolean());
        assertTrue(flagged.get("pause").asBoolean());
    }

    @Test
    void clusterListsMembersByNameWithLagAgainstTheLeader() {
        facade.set(Snapshots.replica().build());
        JsonNode c = client.json("/cluster");
        assertEquals(List.of("members", "scope"), fieldNames(c));
        assertEquals("demo", c.get("scope").asString());
        JsonNode leader = c.get("members").get(0);
        assertEquals(List.of("name", "role", "state", "api_url", "host", "port", "timeline"), fieldNames(leader));
        assertEquals("n1", leader.get("name").asString());
        assertEquals("leader", leader.get("role").asString());
        assertEquals("running", leader.get("state").asString());
        assertEquals("http://127.0.0.1:8008/patroni", leader.get("api_url").asString());
        assertEquals(5433, leader.get("port").asInt());

        JsonNode replica = c.get("members").get(1);
        assertEquals("n2", replica.get("name").asString());
        assertEquals("replica", replica.get("role").asString());
        assertEquals("streaming", replica.get("state").asString());
        assertEquals("0/2FFF060", replica.get("receive_lsn").asString());
        assertEquals("0/2FFF060", replica.get("replay_lsn").asString());
        assertEquals(Snapshots.REPLICA_LAG, replica.get("lag").asLong());
        assertEquals(Snapshots.REPLICA_LAG, replica.get("replay_lag").asLong());
        assertEquals("a", replica.get("tags").get("zone").asString());

        JsonNode stopped = c.get("members").get(2);
        assertEquals("n3", stopped.get("name").asString());
        assertEquals("stopped", stopped.get("state").asString());
        assertEquals("unknown", stopped.get("lag").asString());
        assertFalse(stopped.has("timeline") || stopped.has("receive_lsn"));
        assertTrue(stopped.get("tags").get("nofailover").asBoolean());
    }

    @Test
    void clusterWithoutLeaderReportsUnknownLagAndPause() {
        ClusterState leaderless = Snapshots.initializedCluster().withLeader(null);
        facade.set(Snapshots.replica().cluster(leaderless).paused(true).build());
        JsonNode c = client.json("/cluster");
        assertTrue(c.get("pause").asBoolean());
        for (JsonNode member : c.get("members")) {
            assertEquals("replica", member.get("role").asString());
            assertEquals("unknown", member.get("lag").asString());
        }
    }

    /**
     * Patroni's rows name the timeline that ended (the parent in PostgreSQL's history file), not
     * the new one; before, raftgres showed the new timeline (2 here) in the first column.
     */
    @Test
    void historyListsTimelineSwitchesAsArrays() {
        facade.set(Snapshots.primary().build());
        JsonNode h = client.json("/history");
        assertEquals(1, h.size());
        JsonNode row = h.get(0);
        assertEquals(5, row.size());
        assertEquals(1, row.get(0).asInt(), "the timeline that ended");
        assertEquals(0x3000000L, row.get(1).asLong());
        assertEquals("no recovery target specified", row.get(2).asString());
        assertEquals("2026-01-01T00:01:00.500000+00:00", row.get(3).asString());
        assertEquals("n1", row.get(4).asString());
        facade.set(Snapshots.uninitialized().build());
        assertEquals(0, client.json("/history").size());
    }

    @Test
    void configIsUnavailableBeforeTheClusterIsInitialized() {
        facade.set(Snapshots.uninitialized().build());
        HttpResponse<String> response = client.send("GET", "/config");
        assertEquals(503, response.statusCode());
        assertTrue(response.body().contains("not initialized"), response.body());
    }

    @Test
    void configShowsDynamicSettingsInPatroniUnits() {
        facade.set(Snapshots.primary().build());
        JsonNode c = client.json("/config");
        assertEquals(List.of("loop_wait", "maximum_lag_on_failover", "primary_start_timeout", "postgresql",
                "synchronous_mode", "synchronous_mode_strict", "synchronous_node_count"), fieldNames(c));
        assertEquals("off", c.get("synchronous_mode").asString());
        assertEquals(1, c.get("loop_wait").asInt());
        assertTrue(c.get("loop_wait").isIntegralNumber());
        assertEquals(1_048_576, c.get("maximum_lag_on_failover").asLong());
        assertEquals(300, c.get("primary_start_timeout").asInt());
        JsonNode pg = c.get("postgresql");
        assertTrue(pg.get("use_pg_rewind").asBoolean());
        assertTrue(pg.get("use_slots").asBoolean());
        assertEquals(100, pg.get("parameters").get("max_connections").asInt());
        assertTrue(pg.get("parameters").get("max_connections").isIntegralNumber(), "a number, not text");

        ClusterState fastLoop = Snapshots.initializedCluster()
                .withConfig(new DynamicConfig(500, 0, 1_500, false, false, Map.of(), 9));
        facade.set(Snapshots.primary().cluster(fastLoop).build());
        JsonNode fast = client.json("/config");
        assertEquals(0.5, fast.get("loop_wait").asDouble());
        assertEquals(1.5, fast.get("primary_start_timeout").asDouble());
        assertFalse(fast.get("postgresql").get("use_slots").asBoolean());
    }

    /**
     * Patroni returns the dynamic configuration as YAML loaded it; clients compare and patch
     * these values. Before, every parameter came back as text ("100", "on").
     */
    @Test
    void configShowsParametersWithTheirYamlTypes() {
        Map<String, String> asStored = Map.of("max_connections", "100", "hot_standby", "on", "wal_log_hints", "off",
                "checkpoint_completion_target", "0.9", "shared_buffers", "32MB", "wal_level", "replica",
                "unix_socket_permissions", "0777", "work_mem", "-1");
        ClusterState cluster = Snapshots.initializedCluster()
                .withConfig(new DynamicConfig(1000, 0, 1000, true, true, asStored, 4));
        facade.set(Snapshots.primary().cluster(cluster).build());
        JsonNode p = client.json("/config").get("postgresql").get("parameters");
        assertTrue(p.get("max_connections").isIntegralNumber());
        assertEquals(100, p.get("max_connections").asInt());
        assertEquals(-1, p.get("work_mem").asInt());
        assertTrue(p.get("hot_standby").isBoolean() && p.get("hot_standby").asBoolean());
        assertTrue(p.get("wal_log_hints").isBoolean() && !p.get("wal_log_hints").asBoolean());
        assertTrue(p.get("checkpoint_completion_target").isNumber());
        assertEquals(0.9, p.get("checkpoint_completion_target").asDouble());
        assertEquals("32MB", p.get("shared_buffers").asString());
        assertEquals("replica", p.get("wal_level").asString());
        assertEquals("0777", p.get("unix_socket_permissions").asString(), "YAML 1.1 would read 0777 as octal");
    }

    @Test
    void headOnStatusAnswersWithoutBody() {
        facade.set(Snapshots.stopped().build());
        HttpResponse<String> head = client.send("HEAD", "/patroni");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    /** A member whose agent went silent shows as unknown with its last report time, the others unchanged. */
    @Test
    void clusterShowsASilentMemberAsUnknownWithItsLastReport() {
        StatusSnapshot s = Snapshots.primary().build();
        facade.set(new StatusSnapshot(s.scope(), s.memberName(), s.version(), s.local(), s.raft(), s.cluster(),
                s.leaderWithLease(), s.pgState(), s.replication(), s.tags(), s.watchdogFailed(),
                s.postmasterStartMillis(), s.raftLastSeenMillis(), s.lastLoopMillis(), s.paused(), s.apiUrl(),
                s.pgHost(), s.pgPort(), java.util.Set.of("n2")));
        try {
            JsonNode members = client.json("/cluster").get("members");
            JsonNode n2 = members.get(1);
            assertEquals("n2", n2.get("name").asString());
            assertEquals("unknown", n2.get("state").asString());
            assertEquals(TimeText.iso(s.cluster().members().get("n2").updatedAtMillis()),
                    n2.get("last_report").asString());
            assertFalse(members.get(0).has("last_report"));
            assertEquals("running", members.get(0).get("state").asString());
        } finally {
            facade.set(Snapshots.primary().build());
        }
    }
}
