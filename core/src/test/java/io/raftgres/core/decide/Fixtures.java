package io.raftgres.core.decide;

import io.raftgres.core.model.Activity;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ClusterView;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.model.TimelineSwitch;

import java.util.Map;

/** Fixture factories in the style of Patroni's get_cluster_initialized_with_leader(). */
final class Fixtures {
    static final long TERM = 7;
    static final String SYSID = "7300000000000000001";
    static final long NOW = 10_000_000;

    private Fixtures() {
    }

    static DeciderConfig config(String me) {
        return new DeciderConfig(me, true, MemberTags.DEFAULT, false, false, false, 1500, 1620);
    }

    static HaDecider decider(String me) {
        return new HaDecider(config(me));
    }

    static MemberRecord member(String name, PgRole role, String state, long timeline, long lsn, long term) {
        return member(name, role, state, timeline, lsn, term, MemberTags.DEFAULT);
    }

    static MemberRecord member(String name, PgRole role, String state, long timeline, long lsn, long term,
                               MemberTags tags) {
        int index = name.charAt(name.length() - 1) - '0';
        return new MemberRecord(name, "http://127.0.0.1:" + (8007 + index), "127.0.0.1:" + (5009 + index),
                "127.0.0.1", 5432 + index, role, state, timeline, new Lsn(lsn), new Lsn(lsn), role == PgRole.REPLICA,
                tags, true, false, "test", term, 0);
    }

    static MemberRecord replicaRecord(String name, long lsn) {
        return member(name, PgRole.REPLICA, "running", 1, lsn, TERM);
    }

    /** An initialized cluster whose leader key names {@code leader} in {@code leaderTerm}. */
    static ClusterState cluster(String leader, long leaderTerm, MemberRecord... members) {
        ClusterState state = ClusterState.empty("demo").withSystemId(SYSID);
        if (leader != null) {
            state = state.withLeader(new LeaderRecord(leader, leaderTerm, 1, new Lsn(1000)));
        }
        for (MemberRecord m : members) {
            state = state.withMember(m);
        }
        return state;
    }

    static ClusterState withHistory(ClusterState state, long timeline, long switchLsn, String newLeader) {
        return state.withHistory(new TimelineSwitch(timeline, new Lsn(switchLsn), "failover", 0, newLeader));
    }

    static ClusterState withConfig(ClusterState state, long maxLag, boolean rewind) {
        DynamicConfig c = state.config();
        return state.withConfig(new DynamicConfig(c.loopWaitMillis(), maxLag, c.primaryStartTimeoutMillis(), rewind,
                c.useSlots(), Map.of(), c.version()));
    }

    static RaftView leaderWithLease(String me) {
        return new RaftView(TERM, RaftRole.LEADER, me, true, true, NOW - 5_000, true);
    }

    static RaftView freshLeader(String me) {
        return new RaftView(TERM, RaftRole.LEADER, me, true, true, NOW - 100, true);
    }

    static RaftView leaderWithoutLease(String me) {
        return new RaftView(TERM, RaftRole.LEADER, me, true, false, NOW - 5_000, true);
    }

    static RaftView follower(String leader) {
        return new RaftView(TERM, RaftRole.FOLLOWER, leader, false, false, -1, true);
    }

    static RaftView noLeader() {
        return new RaftView(TERM, RaftRole.CANDIDATE, null, false, false, -1, false);
    }

    static ClusterView view(ClusterState state, RaftView raft) {
        return new ClusterView(state, raft);
    }

    static LocalPgState primary(long timeline, long lsn) {
        return local(true, false, ControlState.IN_PRODUCTION, timeline, lsn, false, null);
    }

    static LocalPgState replica(String upstream, long timeline, long lsn, boolean streaming) {
        return local(true, true, ControlState.IN_ARCHIVE_RECOVERY, timeline, lsn, streaming, upstream);
    }

    static LocalPgState stopped(ControlState control, long timeline, long lsn) {
        return local(false, false, control, timeline, lsn, false, null);
    }

    static LocalPgState empty() {
        return LocalPgState.empty();
    }

    static LocalPgState local(boolean running, boolean inRecovery, ControlState control, long timeline, long lsn,
                              boolean streaming, String upstream) {
        return new LocalPgState(true, SYSID, control, running, inRecovery, timeline, new Lsn(lsn), new Lsn(lsn),
                streaming, upstream, null, Activity.NONE, null, Activity.NONE, running ? -1 : NOW - 1_000, 150000, null);
    }

    static LocalPgState watchdogUnusable(LocalPgState s) {
        return s.withWatchdogUnusable(true);
    }

    static LocalPgState withActivity(LocalPgState s, Activity activity) {
        return new LocalPgState(s.hasDataDirectory(), s.systemId(), s.controlState(), s.running(), s.inRecovery(),
                s.timeline(), s.writeLsn(), s.replayLsn(), s.streaming(), s.upstream(), s.timelineStartLsn(), activity,
                s.lastFailure(), s.failedActivity(), s.downSinceMillis(), s.serverVersion(), s.probeError());
    }

    static LocalPgState withFailure(LocalPgState s, Activity failed, String why) {
        return new LocalPgState(s.hasDataDirectory(), s.systemId(), s.controlState(), s.running(), s.inRecovery(),
                s.timeline(), s.writeLsn(), s.replayLsn(), s.streaming(), s.upstream(), s.timelineStartLsn(),
                Activity.NONE, why, failed, s.downSinceMillis(), s.serverVersion(), s.probeError());
    }

    static LocalPgState downSince(LocalPgState s, long since) {
        return new LocalPgState(s.hasDataDirectory(), s.systemId(), s.controlState(), s.running(), s.inRecovery(),
                s.timeline(), s.writeLsn(), s.replayLsn(), s.streaming(), s.upstream(), s.timelineStartLsn(),
                s.activity(), s.lastFailure(), s.failedActivity(), since, s.serverVersion(), s.probeError());
    }

    static LocalPgState withSystemId(LocalPgState s, String id) {
        return new LocalPgState(s.hasDataDirectory(), id, s.controlState(), s.running(), s.inRecovery(),
                s.timeline(), s.writeLsn(), s.replayLsn(), s.streaming(), s.upstream(), s.timelineStartLsn(),
                s.activity(), s.lastFailure(), s.failedActivity(), s.downSinceMillis(), s.serverVersion(), s.probeError());
    }

    /** {@code s} after {@code activity} failed {@code count} times in a row, the last at {@code atMillis}. */
    static LocalPgState failedTimes(LocalPgState s, Activity activity, int count, long atMillis) {
        io.raftgres.core.model.Failures f = io.raftgres.core.model.Failures.NONE;
        for (int i = 0; i < count; i++) {
            f = f.failed(activity, atMillis, "cannot start PostgreSQL: pg_ctl exited 1\nserver log of this attempt:"
                    + "\n2026-12-04 FATAL:  could not access file \"no_such_lib\"");
        }
        return withFailure(s, activity, "the last attempt's message").withFailures(f);
    }

    /** {@code m} as published by a member that gave up bootstrapping. */
    static MemberRecord cannotBootstrap(MemberRecord m) {
        return new MemberRecord(m.name(), m.apiUrl(), m.raftAddress(), m.pgHost(), m.pgPort(), m.role(), m.state(),
                m.timeline(), m.receiveLsn(), m.replayLsn(), m.streaming(), m.tags(), false, m.watchdogFailed(),
                m.version(), m.term(), m.updatedAtMillis());
    }

    static ClusterState withStartTimeout(ClusterState state, long primaryStartTimeoutMillis) {
        DynamicConfig c = state.config();
        return state.withConfig(new DynamicConfig(c.loopWaitMillis(), c.maximumLagOnFailover(),
                primaryStartTimeoutMillis, c.usePgRewind(), c.useSlots(), c.parameters(), c.version()));
    }
}
