package io.raftgres.api;

import io.raftgres.core.model.Activity;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.model.TimelineSwitch;

import java.util.List;
import java.util.Map;

/**
 * Test fixtures: a three-member cluster "demo" on timeline 2 where n1 is the primary at
 * {@link #PRIMARY_LSN}, n2 a streaming replica {@link #REPLICA_LAG} bytes behind, n3 stopped;
 * and snapshots of each kind of member, adjustable through {@link Builder}.
 */
final class Snapshots {

    static final String SCOPE = "demo";
    static final String SYSTEM_ID = "7400000000000000001";
    static final Lsn PRIMARY_LSN = Lsn.parse("0/3000060");
    static final long REPLICA_LAG = 4096;
    static final Lsn REPLICA_LSN = new Lsn(PRIMARY_LSN.value() - REPLICA_LAG);
    static final long POSTMASTER_START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    static final long PROMOTED_AT = 1_767_225_660_500L;      // 2026-01-01T00:01:00.5Z

    private Snapshots() {
    }

    static ClusterState initializedCluster() {
        return ClusterState.empty(SCOPE)
                .withFeatureLevel(FeatureLevel.LATEST)
                .withSystemId(SYSTEM_ID)
                .withConfig(new DynamicConfig(1000, 1_048_576, 300_000, true, true,
                        Map.of("max_connections", "100", "wal_level", "replica"), 3))
                .withLeader(new LeaderRecord("n1", 3, 2, PRIMARY_LSN))
                .withMember(record("n1", PgRole.PRIMARY, "running", PRIMARY_LSN, PRIMARY_LSN, false, MemberTags.DEFAULT))
                .withMember(record("n2", PgRole.REPLICA, "running", REPLICA_LSN, REPLICA_LSN, true,
                        new MemberTags(false, 1, false, false, Map.of("zone", "a"))))
                .withMember(record("n3", PgRole.STOPPED, "stopped", Lsn.ZERO, Lsn.ZERO, false,
                        new MemberTags(true, 1, false, false, Map.of())))
                .withHistory(new TimelineSwitch(2, Lsn.parse("0/3000000"), "no recovery target specified",
                        PROMOTED_AT, "n1", 1));
    }

    static MemberRecord record(String name, PgRole role, String state, Lsn receive, Lsn replay, boolean streaming,
                               MemberTags tags) {
        int index = name.charAt(1) - '0';
        // The agent publishes its REST base URL (http://connect_address), without a path.
        return new MemberRecord(name, "http://127.0.0.1:800" + (7 + index), "127.0.0.1:501" + (index - 1),
                "127.0.0.1", 5432 + index, role, state, role == PgRole.STOPPED ? 0 : 2, receive, replay, streaming,
                tags, true, false, "0.1.0", 3, PROMOTED_AT);
    }

    static Builder primary() {
        LocalPgState local = pg(ControlState.IN_PRODUCTION, true, false, PRIMARY_LSN, PRIMARY_LSN, false);
        return new Builder("n1", local, new RaftView(3, RaftRole.LEADER, "n1", true, true, 0, true), true, "running")
                .replication(List.of(new WalSenderInfo("replicator", "n2", "127.0.0.1", "streaming", "async", 0)));
    }

    static Builder replica() {
        LocalPgState local = pg(ControlState.IN_ARCHIVE_RECOVERY, true, true, REPLICA_LSN, REPLICA_LSN, true);
        return new Builder("n2", local, follower(), false, "running")
                .tags(new MemberTags(false, 1, false, false, Map.of("zone", "a")));
    }

    static Builder stopped() {
        LocalPgState local = pg(ControlState.SHUT_DOWN_IN_RECOVERY, false, false, Lsn.ZERO, Lsn.ZERO, false);
        return new Builder("n3", local, follower(), false, "stopped").postmasterStart(null);
    }

    static Builder uninitialized() {
        return new Builder("n1", LocalPgState.empty(), new RaftView(0, RaftRole.UNKNOWN, null, false, false, -1, false),
                false, "stopped").cluster(ClusterState.empty(SCOPE)).postmasterStart(null).raftLastSeen(0);
    }

    /**
     * PostgreSQL on timeline 2 with a data directory of cluster {@link #SYSTEM_ID}; the single
     * place that spells out {@link LocalPgState}'s constructor.
     */
    static LocalPgState pg(ControlState control, boolean running, boolean inRecovery, Lsn write, Lsn replay,
                           boolean streaming) {
        return new LocalPgState(true, SYSTEM_ID, control, running, inRecovery, 2, write, replay, streaming,
                inRecovery ? "n1" : null, Lsn.parse("0/3000000"), Activity.NONE, null, Activity.NONE,
                running ? -1 : 1_000, running ? 150_004 : 0, null);
    }

    /** {@code local} with its WAL replay paused ({@code pg_wal_replay_pause()} on a replica). */
    static LocalPgState replayPaused(LocalPgState l) {
        return new LocalPgState(l.hasDataDirectory(), l.systemId(), l.controlState(), l.running(), l.inRecovery(),
                l.timeline(), l.writeLsn(), l.replayLsn(), l.streaming(), l.upstream(), l.timelineStartLsn(),
                l.activity(), l.lastFailure(), l.failedActivity(), l.downSinceMillis(), l.serverVersion(),
                l.probeError(), l.replayTimestampMillis(), l.timelineStartReason(), l.watchdogUnusable(),
                l.failures(), l.timelineOrigin(), true);
    }

    private static RaftView follower() {
        return new RaftView(3, RaftRole.FOLLOWER, "n1", false, false, -1, true);
    }

    /** Mutable builder over the fixture's fields; every {@code build()} returns a fresh snapshot. */
    static final class Builder {
        private final String name;
        private LocalPgState local;
        private RaftView raft;
        private boolean leaderWithLease;
        private final String pgState;
        private ClusterState cluster = initializedCluster();
        private List<WalSenderInfo> replication = List.of();
        private MemberTags tags = MemberTags.DEFAULT;
        private boolean watchdogFailed;
        private Long postmasterStart = POSTMASTER_START;
        private long raftLastSeen = PROMOTED_AT;
        private long lastLoop = System.currentTimeMillis();
        private boolean paused;

        private Builder(String name, LocalPgState local, RaftView raft, boolean leaderWithLease, String pgState) {
            this.name = name;
            this.local = local;
            this.raft = raft;
            this.leaderWithLease = leaderWithLease;
            this.pgState = pgState;
        }

        Builder local(LocalPgState value) { this.local = value; return this; }
        Builder raft(RaftView value) { this.raft = value; return this; }
        Builder leaderWithLease(boolean value) { this.leaderWithLease = value; return this; }
        Builder cluster(ClusterState value) { this.cluster = value; return this; }
        Builder replication(List<WalSenderInfo> value) { this.replication = value; return this; }
        Builder tags(MemberTags value) { this.tags = value; return this; }
        Builder watchdogFailed(boolean value) { this.watchdogFailed = value; return this; }
        Builder postmasterStart(Long value) { this.postmasterStart = value; return this; }
        Builder raftLastSeen(long value) { this.raftLastSeen = value; return this; }
        Builder lastLoop(long value) { this.lastLoop = value; return this; }
        Builder paused(boolean value) { this.paused = value; return this; }

        StatusSnapshot build() {
            return new StatusSnapshot(SCOPE, name, "0.1.0", local, raft, cluster, leaderWithLease, pgState, replication,
                    tags, watchdogFailed, postmasterStart, raftLastSeen, lastLoop, paused,
                    "http://127.0.0.1:8008", "127.0.0.1", 5433);
        }
    }
}
