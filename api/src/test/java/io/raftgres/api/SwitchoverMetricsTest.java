package io.raftgres.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The switchover counter and last-duration gauge, per kind, as Prometheus renders them. */
class SwitchoverMetricsTest {

    @Test
    void countsAndTimesEachKind() {
        RaftgresMetrics metrics = new RaftgresMetrics("demo", "n1", () -> LiveReadings.NONE);
        String before = metrics.scrape(Snapshots.primary().build());
        assertTrue(before.contains("raftgres_switchovers_total{kind=\"switchover\",name=\"n1\",scope=\"demo\"} 0.0"), before);
        assertTrue(before.contains("raftgres_switchover_last_duration_seconds{kind=\"failover\",name=\"n1\",scope=\"demo\"} NaN"),
                before);
        metrics.switchedOver(false, 1500);
        metrics.switchedOver(false, 900);
        metrics.switchedOver(true, 4200);
        String after = metrics.scrape(Snapshots.primary().build());
        assertTrue(after.contains("raftgres_switchovers_total{kind=\"switchover\",name=\"n1\",scope=\"demo\"} 2.0"), after);
        assertTrue(after.contains("raftgres_switchovers_total{kind=\"failover\",name=\"n1\",scope=\"demo\"} 1.0"), after);
        assertTrue(after.contains("raftgres_switchover_last_duration_seconds{kind=\"switchover\",name=\"n1\",scope=\"demo\"} 0.9"),
                after);
        assertTrue(after.contains("raftgres_switchover_last_duration_seconds{kind=\"failover\",name=\"n1\",scope=\"demo\"} 4.2"),
                after);
    }
}
