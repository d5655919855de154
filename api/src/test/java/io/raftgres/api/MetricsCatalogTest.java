package io.raftgres.api;

import io.raftgres.testkit.Exposition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every metric name issue 13 asks for is exported, with Prometheus metadata of the right type and
 * exactly one sample per member (per label value for labelled families): Patroni's names, so
 * existing dashboards and alerts keep working, and raftgres' own. Values and their meanings are
 * checked in {@link MetricsEndpointTest}; this test guards the catalogue against a rename.
 */
class MetricsCatalogTest {

    /** Patroni's gauges (docs/rest_api.rst, GET /metrics), name to what a primary reports. */
    private static final List<String> PATRONI = List.of("patroni_version", "patroni_postgres_running",
            "patroni_postmaster_start_time", "patroni_primary", "patroni_replica", "patroni_sync_standby",
            "patroni_xlog_location", "patroni_xlog_received_location", "patroni_xlog_replayed_location",
            "patroni_xlog_replayed_timestamp", "patroni_xlog_paused", "patroni_postgres_timeline",
            "patroni_cluster_unlocked", "patroni_failsafe_mode_is_active", "patroni_pending_restart",
            "patroni_is_paused", "patroni_postgres_server_version");

    /** raftgres' own families and their Prometheus types. */
    private static final Map<String, String> RAFTGRES = Map.ofEntries(
            Map.entry("raftgres_raft_term", "gauge"),
            Map.entry("raftgres_raft_role", "gauge"),
            Map.entry("raftgres_lease_remaining_seconds", "gauge"),
            Map.entry("raftgres_leader_elections_seen_total", "counter"),
            Map.entry("raftgres_fences_total", "counter"),
            Map.entry("raftgres_failovers_total", "counter"),
            Map.entry("raftgres_failover_last_duration_seconds", "gauge"),
            Map.entry("raftgres_switchovers_total", "counter"),
            Map.entry("raftgres_switchover_last_duration_seconds", "gauge"),
            Map.entry("raftgres_vip_held", "gauge"),
            Map.entry("raftgres_watchdog_armed", "gauge"),
            Map.entry("raftgres_ha_cycle_duration_seconds", "histogram"));

    @Test
    void everyRequestedMetricIsExportedWithItsType() {
        RaftgresMetrics metrics = new RaftgresMetrics("demo", "n1", () -> new LiveReadings(500, false, false));
        for (StatusSnapshot snapshot : List.of(Snapshots.primary().build(), Snapshots.replica().build(),
                Snapshots.stopped().build())) {
            String text = metrics.scrape(snapshot);
            Exposition parsed = Exposition.parse(text);
            for (String name : PATRONI) {
                assertTrue(text.contains("# TYPE " + name + " gauge\n"), name + " is not a gauge:\n" + text);
                assertTrue(text.contains("# HELP " + name + " "), name + " has no help text");
                parsed.value(name, "scope", "demo", "name", "n1");
            }
            RAFTGRES.forEach((name, type) -> assertTrue(text.contains("# TYPE " + name.replace("_total", "") + " "
                    + type + "\n") || text.contains("# TYPE " + name + " " + type + "\n"), name + " as " + type));
            assertEquals(3, parsed.samples().stream().filter(s -> s.name().equals("raftgres_fences_total")).count(),
                    "one fence counter per reason");
            assertTrue(parsed.samples().stream().anyMatch(s -> s.name().equals("raftgres_ha_cycle_duration_seconds_bucket")
                    && "+Inf".equals(s.labels().get("le"))), "the cycle histogram has buckets");
        }
        Exposition replica = Exposition.parse(metrics.scrape(Snapshots.replica().build()));
        assertEquals(0, replica.value("patroni_sync_standby"), "raftgres replicates asynchronously");
        assertEquals(0, replica.value("patroni_failsafe_mode_is_active"), "raftgres has no failsafe mode");
        assertEquals(0, replica.value("patroni_pending_restart"));
    }
}
