package io.raftgres.api;

import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;

/**
 * Patroni's {@code patroni_*} gauges with Patroni's names and meanings, so its dashboards and
 * alerts read raftgres unchanged. Values follow the {@code /patroni} document of the same
 * snapshot (role, xlog, timeline, cluster_unlocked), with Patroni's 0 for a value that does not
 * apply (a replica's {@code patroni_xlog_location}, a stopped server's timeline). Failsafe mode,
 * which raftgres does not have, reports 0 (a Raft majority is always required).
 * {@code patroni_xlog_paused} is the replica's {@code xlog.paused} of {@code /patroni}, and
 * {@code patroni_pending_restart} is 1 while this member's record lists parameters waiting for a
 * restart. Stateless.
 */
final class PatroniGauges {

    private PatroniGauges() {
    }

    static void register(RaftgresMetrics m) {
        m.snapshotGauge("patroni.version", "raftgres version as Patroni encodes it (0.1.0 -> 000100)",
                s -> versionNumber(s.version()));
        m.snapshotGauge("patroni.postgres.running", "1 when PostgreSQL is running", s -> flag(s.local().running()));
        m.snapshotGauge("patroni.postmaster.start.time", "Epoch seconds at which the postmaster started, 0 when not running",
                s -> s.local().running() && s.postmasterStartMillis() != null ? s.postmasterStartMillis() / 1000.0 : 0);
        m.snapshotGauge("patroni.primary", "1 when PostgreSQL runs here as the primary",
                s -> flag(s.local().isWritablePrimary()));
        m.snapshotGauge("patroni.replica", "1 when PostgreSQL runs here as a replica",
                s -> flag(s.local().isRunningReplica()));
        m.snapshotGauge("patroni.sync.standby", "1 for a published synchronous standby (synchronous_mode on)",
                s -> flag(s.local().isRunningReplica() && SyncRoles.isSyncStandby(s.cluster(), s.memberName())));
        m.snapshotGauge("patroni.quorum.standby", "1 for a published quorum voter (synchronous_mode quorum)",
                s -> flag(s.local().isRunningReplica() && SyncRoles.isQuorumStandby(s.cluster(), s.memberName())));
        m.snapshotGauge("patroni.xlog.location", "Primary's current WAL write position in bytes, 0 elsewhere",
                s -> s.local().isWritablePrimary() ? bytes(s.local().writeLsn()) : 0);
        m.snapshotGauge("patroni.xlog.received.location", "Replica's last received WAL position in bytes, 0 elsewhere",
                s -> s.local().isRunningReplica() ? bytes(s.local().writeLsn()) : 0);
        m.snapshotGauge("patroni.xlog.replayed.location", "Replica's last replayed WAL position in bytes, 0 elsewhere",
                s -> s.local().isRunningReplica() ? bytes(s.local().replayLsn()) : 0);
        m.snapshotGauge("patroni.xlog.replayed.timestamp",
                "Epoch seconds of the last transaction a replica replayed, 0 when none or elsewhere",
                s -> replayedAt(s.local()));
        m.snapshotGauge("patroni.xlog.paused", "1 when a replica's WAL replay is paused (pg_wal_replay_pause()), 0 elsewhere",
                s -> flag(s.local().isRunningReplica() && s.local().replayPaused()));
        m.snapshotGauge("patroni.postgres.streaming", "1 when the replica streams WAL from its upstream",
                s -> flag("streaming".equals(HealthEvaluator.replicationState(s.local()))));
        m.snapshotGauge("patroni.postgres.in.archive.recovery", "1 when the replica runs without a WAL stream",
                s -> flag("in archive recovery".equals(HealthEvaluator.replicationState(s.local()))));
        m.snapshotGauge("patroni.postgres.timeline", "PostgreSQL timeline while running, 0 otherwise",
                s -> s.local().running() ? s.local().timeline() : 0);
        m.snapshotGauge("patroni.postgres.server.version", "server_version_num while running, 0 otherwise",
                s -> s.local().running() ? s.local().serverVersion() : 0);
        m.snapshotGauge("patroni.cluster.unlocked", "1 when there is no leader key or the Raft quorum is unreachable",
                s -> flag(StatusJson.clusterUnlocked(s)));
        m.snapshotGauge("patroni.failsafe.mode.is.active", "raftgres has no failsafe mode; always 0", s -> 0);
        m.snapshotGauge("patroni.dcs.last.seen", "Epoch seconds of the last successful Raft log write seen",
                s -> s.raftLastSeenMillis() / 1000);
        m.snapshotGauge("patroni.pending.restart", "1 when a PostgreSQL parameter waits for a restart here", s -> {
            var mine = s.cluster().members().get(s.memberName());
            return mine == null || mine.pendingRestart().isEmpty() ? 0 : 1;
        });
        m.snapshotGauge("patroni.is.paused", "1 in maintenance mode", s -> flag(s.paused()));
        m.snapshotGauge("patroni.failover.priority", "This member's failover_priority tag",
                s -> s.tags().failoverPriority());
    }

    /** Patroni's encoding: each version part as two digits, "4.0.0" -> 40000; "0.1.0-SNAPSHOT" -> 100. */
    static long versionNumber(String version) {
        String[] parts = version.split("[.]", 4);
        long value = 0;
        for (int i = 0; i < 3; i++) {
            String digits = i < parts.length ? parts[i].replaceFirst("\\D.*", "") : "";
            int part = digits.isEmpty() ? 0 : Math.min(99, Integer.parseInt(digits.substring(0, Math.min(2, digits.length()))));
            value = value * 100 + part;
        }
        return value;
    }

    private static double replayedAt(LocalPgState local) {
        Long at = local.replayTimestampMillis();
        return local.isRunningReplica() && at != null ? at / 1000.0 : 0;
    }

    private static double bytes(Lsn lsn) {
        return WalPositions.orZero(lsn).value();
    }

    private static double flag(boolean value) {
        return value ? 1 : 0;
    }
}
