package io.raftgres.core.decide;

import io.raftgres.core.decide.HaAction.ClaimLeader;
import io.raftgres.core.decide.HaAction.TransferLeadership;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ClusterView;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.PgRole;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static io.raftgres.core.decide.Fixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 11: after a planned restart of all members, the Raft election may land on a replica. The
 * old primary n1 (leader key of the previous term) stopped cleanly; its probe reports the start
 * of its shutdown checkpoint record (5000), while a replica that received that record and started
 * again reports the end of what it replayed (5040). Ranking by position promoted the replica and
 * sent n1 to pg_rewind. The rows pin the fix: the former primary stopped on the leader key's
 * timeline wins unless a candidate is further ahead than a shutdown checkpoint record; a failed
 * start or silence of it lets a replica take over, and the Raft leader and the member it hands
 * leadership to apply the same test (simulation seed 46 handed leadership back and forth when
 * they did not).
 *
 * <p>Shown to fail before the fix: without {@code Candidate::formerPrimary} first in
 * {@code CandidateSelector.BEST_FIRST}, the first two rows chose n3 (hand-off to n3, and n3
 * claiming the key); with the first version of the fix (no slack, control state checked only for
 * this member) the "far behind" row handed leadership to n1 while n1 handed it back.
 */
class FullRestartDecisionTest {

    record Row(String behaviour, String me, ClusterView view, LocalPgState local, Reason reason, HaAction first) {
        @Override
        public String toString() {
            return behaviour;
        }
    }

    private static final long OLD = TERM - 1;

    private static ClusterState restarted(String n1State) {
        return restarted(n1State, 5000);
    }

    private static ClusterState restarted(String n1State, long n1Lsn) {
        return cluster("n1", OLD, member("n1", PgRole.STOPPED, n1State, 1, n1Lsn, TERM),
                member("n2", PgRole.STOPPED, "stopped", 1, 5000, TERM),
                member("n3", PgRole.REPLICA, "running", 1, 5040, TERM));
    }

    static Stream<Row> rows() {
        LocalPgState stoppedReplica = stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 1, 5000);
        LocalPgState runningReplica = replica("n1", 1, 5040, false);
        return Stream.of(
                new Row("a stopped replica leading Raft hands leadership to the cleanly stopped old primary", "n2",
                        view(restarted("stopped"), leaderWithLease("n2")), stoppedReplica,
                        Reason.HANDOFF_TO_BETTER_CANDIDATE, new TransferLeadership("n1")),
                new Row("a running replica that replayed further still hands leadership to the old primary", "n3",
                        view(restarted("stopped"), leaderWithLease("n3")), runningReplica,
                        Reason.HANDOFF_TO_BETTER_CANDIDATE, new TransferLeadership("n1")),
                new Row("an old primary whose start failed is no longer preferred: the replica takes over", "n3",
                        view(restarted("start failed"), leaderWithLease("n3")), runningReplica,
                        Reason.CLAIM_LEADER, new ClaimLeader(TERM, 1, new Lsn(5040))),
                new Row("a stopped key holder far behind a replica is not preferred (it may be a replica's data)",
                        "n3", view(restarted("stopped", 1000), leaderWithLease("n3")), runningReplica,
                        Reason.CLAIM_LEADER, new ClaimLeader(TERM, 1, new Lsn(5040))),
                new Row("...and, leading Raft itself, hands leadership to that replica: no ping-pong", "n1",
                        view(restarted("stopped", 1000), leaderWithLease("n1")),
                        stopped(ControlState.IN_ARCHIVE_RECOVERY, 1, 1000),
                        Reason.HANDOFF_TO_BETTER_CANDIDATE, new TransferLeadership("n3")),
                new Row("a stopped key holder within the slack, leading Raft, claims", "n1",
                        view(restarted("stopped"), leaderWithLease("n1")),
                        stopped(ControlState.IN_ARCHIVE_RECOVERY, 1, 5000),
                        Reason.CLAIM_LEADER, new ClaimLeader(TERM, 1, new Lsn(5000))),
                new Row("a silent old primary is never chosen", "n3",
                        new ClusterView(restarted("stopped"), leaderWithLease("n3"), Set.of("n1")), runningReplica,
                        Reason.CLAIM_LEADER, new ClaimLeader(TERM, 1, new Lsn(5040))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides(Row row) {
        Decision d = decider(row.me()).decide(row.view(), row.local(), NOW);
        assertEquals(row.reason(), d.reason(), d.summary());
        assertEquals(row.first(), d.actions().getFirst(), d.summary());
    }

}
