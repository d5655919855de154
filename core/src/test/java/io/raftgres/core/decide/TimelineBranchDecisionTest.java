package io.raftgres.core.decide;

import io.raftgres.core.decide.HaAction.AddVip;
import io.raftgres.core.decide.HaAction.ArmWatchdog;
import io.raftgres.core.decide.HaAction.EnsureSlots;
import io.raftgres.core.decide.HaAction.Follow;
import io.raftgres.core.decide.HaAction.KeepTimelineOrigin;
import io.raftgres.core.decide.HaAction.RecordTimelineSwitch;
import io.raftgres.core.decide.HaAction.Rewind;
import io.raftgres.core.decide.HaAction.Stop;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.model.TimelineOrigin;
import io.raftgres.core.model.TimelineSwitch;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.Upstream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static io.raftgres.core.decide.Fixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Rows of the decider table for timeline branches (feature level 7). The case, found by the
 * simulation (seed 252 and others): n2 promoted tl1 -> tl2 at 0/4000 under the leader key of term
 * 3 and was cut off; n3 promoted tl1 -> tl2 at the same LSN under the key of term 5. Same number,
 * parent and start point: n2's abandoned branch looks like the primary's, and before this rule n2
 * started as a replica that could never stream (the rows marked "rewinds" answered START_REPLICA
 * or REPLICA_FOLLOWING). Each row gives the reason, the actions with their arguments and the
 * sentence.
 */
class TimelineBranchDecisionTest {

    private static final long FORK = 0x4000;
    private static final TimelineOrigin MINE = new TimelineOrigin(2, "n2", 3);

    record Row(String behaviour, String me, ClusterState state, RaftView raft, LocalPgState local, Reason reason,
               String summary, List<HaAction> actions) {
        @Override
        public String toString() {
            return behaviour;
        }
    }

    private static Row row(String behaviour, String me, ClusterState state, RaftView raft, LocalPgState local,
                           Reason reason, String summary, HaAction... actions) {
        return new Row(behaviour, me, state, raft, local, reason, summary, List.of(actions));
    }

    /** n3 runs the primary on its timeline 2 (recorded under its key of term {@code entryTerm}). */
    private static ClusterState n3Primary(int level, long entryTerm) {
        ClusterState s = cluster("n3", TERM, member("n1", PgRole.REPLICA, "running", 2, 6000, TERM),
                member("n2", PgRole.STOPPED, "stopped", 2, 5000, TERM),
                member("n3", PgRole.PRIMARY, "running", 2, 6000, TERM)).withFeatureLevel(level);
        s = s.withLeader(new LeaderRecord("n3", TERM, 1, new Lsn(FORK)));
        return s.withHistory(new TimelineSwitch(2, new Lsn(FORK), "no recovery target specified", 0, "n3", 1, entryTerm));
    }

    private static LocalPgState withStart(LocalPgState s, TimelineOrigin origin) {
        return new LocalPgState(s.hasDataDirectory(), s.systemId(), s.controlState(), s.running(), s.inRecovery(),
                s.timeline(), s.writeLsn(), s.replayLsn(), s.streaming(), s.upstream(), new Lsn(FORK), s.activity(),
                s.lastFailure(), s.failedActivity(), s.downSinceMillis(), s.serverVersion(), s.probeError(), null,
                "no recovery target specified", false, null, origin);
    }

    private static Upstream n3() {
        return new Upstream("n3", "127.0.0.1", 5435);
    }

    static Stream<Row> rows() {
        int branches = FeatureLevel.TIMELINE_BRANCHES;
        String otherBranch = "my timeline 2 is n2's promotion under the leader key of term 3, the primary's is n3's of term 5";
        return Stream.of(
                row("rewinds a stopped former primary whose timeline is another promotion to the same number", "n2",
                        n3Primary(branches, 5), follower("n3"),
                        withStart(stopped(ControlState.IN_PRODUCTION, 2, 0x5000), MINE), Reason.REWIND,
                        "rewinding from n3: " + otherBranch, new Rewind(n3())),
                row("rewinds a stopped replica on the abandoned branch even below the fork", "n2",
                        n3Primary(branches, 5), follower("n3"),
                        withStart(stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 2, FORK), MINE), Reason.REWIND,
                        "rewinding from n3: " + otherBranch, new Rewind(n3())),
                row("stops a running replica that cannot stream because its branch is another", "n2",
                        n3Primary(branches, 5), follower("n3"), withStart(replica("n3", 2, 0x5000, false), MINE),
                        Reason.STOP_DIVERGED_REPLICA, "stopping: " + otherBranch + "; it must be rewound",
                        new Stop(StopMode.FAST)),
                row("starts as a replica when its origin is the primary's promotion", "n2", n3Primary(branches, 5),
                        follower("n3"), withStart(stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 2, 0x5000),
                                new TimelineOrigin(2, "n3", 5)),
                        Reason.START_REPLICA, "starting as a replica of n3", new Follow(n3())),
                row("trusts the numbers when the entry was recorded without its term (below level 7)", "n2",
                        n3Primary(FeatureLevel.DYNAMIC_CONFIG, 0), follower("n3"),
                        withStart(stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 2, FORK), MINE), Reason.START_REPLICA,
                        "starting as a replica of n3", new Follow(n3())),
                row("a streaming replica keeps the primary's branch as its own", "n1", n3Primary(branches, 5),
                        follower("n3"), withStart(replica("n3", 2, 6000, true), null), Reason.KEEP_TIMELINE_ORIGIN,
                        "noting that my timeline 2 is the one n3 promoted to under the leader key of term 5; "
                                + "I am n1, a replica following n3", new KeepTimelineOrigin(new TimelineOrigin(2, "n3", 5))),
                row("a streaming replica whose origin is kept does nothing", "n1", n3Primary(branches, 5),
                        follower("n3"), withStart(replica("n3", 2, 6000, true), new TimelineOrigin(2, "n3", 5)),
                        Reason.REPLICA_FOLLOWING, "no action: I am n1, a replica following n3"),
                row("a primary that reused the last entry's number records its own promotion", "n3",
                        n3Primary(branches, 5).withLeader(new LeaderRecord("n3", TERM, 1, new Lsn(FORK))),
                        leaderWithLease("n3"), withStart(primary(2, 6000), new TimelineOrigin(2, "n3", TERM)),
                        Reason.LEADER_WITH_LEASE, "no action: I am n3, the primary with the lease (term 7)",
                        new ArmWatchdog(), new AddVip(), new RecordTimelineSwitch(TERM, 2, new Lsn(FORK), "no recovery target specified"),
                        new EnsureSlots(Set.of("n1", "n2"))),
                row("a primary whose promotion is the last entry records nothing", "n3", n3Primary(branches, TERM),
                        leaderWithLease("n3"), withStart(primary(2, 6000), new TimelineOrigin(2, "n3", TERM)),
                        Reason.LEADER_WITH_LEASE, "no action: I am n3, the primary with the lease (term 7)",
                        new ArmWatchdog(), new AddVip(), new EnsureSlots(Set.of("n1", "n2"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides(Row row) {
        Decision d = decider(row.me()).decide(view(row.state(), row.raft()), row.local(), NOW);
        assertEquals(row.reason(), d.reason(), d.summary());
        assertEquals(row.summary(), d.summary());
        assertEquals(row.actions(), d.actions(), d.summary());
    }
}
