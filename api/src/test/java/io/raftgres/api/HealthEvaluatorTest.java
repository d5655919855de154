package io.raftgres.api;

import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.PgRole;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure rules behind the health endpoints, without HTTP. */
class HealthEvaluatorTest {

    private static final long NOW = 1_800_000_000_000L;

    private static boolean passes(HealthCheck check, String query, StatusSnapshot snapshot) {
        Map<String, String> params = new LinkedHashMap<>();
        if (!query.isEmpty()) {
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                params.put(kv[0], kv[1]);
            }
        }
        return HealthEvaluator.passes(check, HealthQuery.parse(params), snapshot, NOW);
    }

    @Test
    void livenessFailsWhenTheHaLoopStalledBeyondTenSecondsAtShortLoopWait() {
        assertTrue(passes(HealthCheck.LIVENESS, "", Snapshots.replica().lastLoop(NOW - 10_000).build()));
        assertFalse(passes(HealthCheck.LIVENESS, "", Snapshots.replica().lastLoop(NOW - 10_001).build()));
    }

    @Test
    void livenessAllowsThreeLoopWaitsWhenThatIsLonger() {
        var cluster = Snapshots.initializedCluster()
                .withConfig(new DynamicConfig(5_000, 1_048_576, 300_000, true, true, Map.of(), 4));
        assertTrue(passes(HealthCheck.LIVENESS, "", Snapshots.replica().cluster(cluster).lastLoop(NOW - 15_000).build()));
        assertFalse(passes(HealthCheck.LIVENESS, "", Snapshots.replica().cluster(cluster).lastLoop(NOW - 15_001).build()));
    }

    @Test
    void livenessPassesWhilePausedEvenIfTheLoopStalled() {
        assertTrue(passes(HealthCheck.LIVENESS, "", Snapshots.primary().paused(true).lastLoop(NOW - 600_000).build()));
    }

    @Test
    void readinessUsesMaximumLagOnFailoverByDefault() {
        Lsn farBehind = new Lsn(Snapshots.PRIMARY_LSN.value() - 2_000_000);
        var lagging = Snapshots.replica().local(Snapshots.pg(ControlState.IN_ARCHIVE_RECOVERY, true, true,
                farBehind, farBehind, true)).build();
        assertFalse(passes(HealthCheck.READINESS, "", lagging));
        assertTrue(passes(HealthCheck.READINESS, "lag=2MB", lagging));
        assertTrue(passes(HealthCheck.READINESS, "", Snapshots.replica().build()));
    }

    @Test
    void readinessInWriteModeMeasuresTheReceivedPosition() {
        Lsn replayBehind = new Lsn(Snapshots.PRIMARY_LSN.value() - 2_000_000);
        var snapshot = Snapshots.replica().local(Snapshots.pg(ControlState.IN_ARCHIVE_RECOVERY, true, true,
                Snapshots.PRIMARY_LSN, replayBehind, true)).build();
        assertFalse(passes(HealthCheck.READINESS, "mode=apply", snapshot));
        assertTrue(passes(HealthCheck.READINESS, "mode=write", snapshot));
    }

    @Test
    void readinessRequiresAStreamingReplica() {
        var archiveOnly = Snapshots.replica().local(Snapshots.pg(ControlState.IN_ARCHIVE_RECOVERY, true, true,
                Snapshots.REPLICA_LSN, Snapshots.REPLICA_LSN, false)).build();
        assertFalse(passes(HealthCheck.READINESS, "", archiveOnly));
        assertTrue(passes(HealthCheck.REPLICA, "replication_state=in archive recovery", archiveOnly));
        assertFalse(passes(HealthCheck.REPLICA, "replication_state=streaming", archiveOnly));
    }

    @Test
    void lagIsMeasuredAgainstTheLeadersOwnRecordWhenItIsAheadOfTheOptime() {
        // The leader record's optime is stale; the leader's member record shows 1 MB more WAL.
        Lsn ahead = new Lsn(Snapshots.PRIMARY_LSN.value() + 1_048_576);
        var cluster = Snapshots.initializedCluster()
                .withMember(Snapshots.record("n1", PgRole.PRIMARY, "running", ahead, ahead, false,
                        MemberTags.DEFAULT));
        var replica = Snapshots.replica().cluster(cluster).build();
        assertFalse(passes(HealthCheck.REPLICA, "lag=1MB", replica));
        assertTrue(passes(HealthCheck.REPLICA, "lag=2MB", replica));
    }

    @Test
    void withoutALeaderKeyOnlyTheLocalReceiverBoundsTheLag() {
        var leaderless = Snapshots.initializedCluster().withLeader((LeaderRecord) null);
        assertTrue(passes(HealthCheck.REPLICA, "lag=0", Snapshots.replica().cluster(leaderless).build()));
    }

    @Test
    void primaryChecksFollowTheLeaseNotThePostgresRole() {
        assertTrue(passes(HealthCheck.PRIMARY, "", Snapshots.primary().build()));
        assertFalse(passes(HealthCheck.PRIMARY, "", Snapshots.primary().leaderWithLease(false).build()));
        assertFalse(passes(HealthCheck.LEADER, "", Snapshots.primary().leaderWithLease(false).build()));
        assertFalse(passes(HealthCheck.REPLICA, "", Snapshots.primary().leaderWithLease(false).build()));
    }

    /** /sync, /quorum and /async follow the state published by the leader key's holder. */
    @Test
    void syncQuorumAndAsyncFollowThePublishedState() {
        var base = Snapshots.initializedCluster();
        var on = base.withSync(new io.raftgres.core.model.SyncState("n1", 3, io.raftgres.core.model.SyncMode.ON,
                java.util.List.of("n2"), 1));
        var quorum = base.withSync(new io.raftgres.core.model.SyncState("n1", 3,
                io.raftgres.core.model.SyncMode.QUORUM, java.util.List.of("n2", "n3"), 1));
        var stale = base.withSync(new io.raftgres.core.model.SyncState("n3", 2, io.raftgres.core.model.SyncMode.ON,
                java.util.List.of("n2"), 1));
        assertTrue(passes(HealthCheck.SYNC, "", Snapshots.replica().cluster(on).build()));
        assertFalse(passes(HealthCheck.ASYNC, "", Snapshots.replica().cluster(on).build()));
        assertFalse(passes(HealthCheck.QUORUM, "", Snapshots.replica().cluster(on).build()));
        assertTrue(passes(HealthCheck.QUORUM, "", Snapshots.replica().cluster(quorum).build()));
        assertFalse(passes(HealthCheck.SYNC, "", Snapshots.replica().cluster(quorum).build()));
        assertFalse(passes(HealthCheck.SYNC, "", Snapshots.replica().cluster(stale).build()), "not the leader's");
        assertTrue(passes(HealthCheck.ASYNC, "", Snapshots.replica().cluster(stale).build()));
        assertFalse(passes(HealthCheck.SYNC, "", Snapshots.primary().cluster(on).build()), "the primary is none");
        assertEquals(HealthCheck.SYNC, HealthCheck.forPath("/sync"));
        assertEquals(HealthCheck.QUORUM, HealthCheck.forPath("/quorum"));
    }
}
