package io.raftgres.core.decide;

import io.raftgres.core.decide.HaAction.AbortInitialize;
import io.raftgres.core.decide.HaAction.AddVip;
import io.raftgres.core.decide.HaAction.ArmWatchdog;
import io.raftgres.core.decide.HaAction.Bootstrap;
import io.raftgres.core.decide.HaAction.ClaimInitialize;
import io.raftgres.core.decide.HaAction.ClaimLeader;
import io.raftgres.core.decide.HaAction.Clone;
import io.raftgres.core.decide.HaAction.CompleteInitialize;
import io.raftgres.core.decide.HaAction.DisarmWatchdog;
import io.raftgres.core.decide.HaAction.EnsureSlots;
import io.raftgres.core.decide.HaAction.Follow;
import io.raftgres.core.decide.HaAction.Promote;
import io.raftgres.core.decide.HaAction.RemoveDataDirectory;
import io.raftgres.core.decide.HaAction.RemoveVip;
import io.raftgres.core.decide.HaAction.Rewind;
import io.raftgres.core.decide.HaAction.StartPrimary;
import io.raftgres.core.decide.HaAction.Stop;
import io.raftgres.core.decide.HaAction.TransferLeadership;
import io.raftgres.core.model.Activity;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ClusterView;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.PgRole;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.raftgres.core.decide.Fixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One row per branch of the decider: (member, view, local state) gives the expected reason and
 * the expected action types in order. Each row names the behaviour it pins down.
 */
class HaDeciderTableTest {

    record Row(String behaviour, String me, ClusterView view, LocalPgState local, Reason reason,
               List<Class<? extends HaAction>> actions) {
        @Override
        public String toString() {
            return behaviour;
        }
    }

    private static Row row(String behaviour, String me, ClusterState state, io.raftgres.core.model.RaftView raft,
                           LocalPgState local, Reason reason, List<Class<? extends HaAction>> actions) {
        return new Row(behaviour, me, view(state, raft), local, reason, actions);
    }

    static Stream<Row> rows() {
        ClusterState steady = cluster("n1", TERM, member("n1", PgRole.PRIMARY, "running", 1, 5000, TERM),
                replicaRecord("n2", 5000), replicaRecord("n3", 5000));
        ClusterState uninitialized = ClusterState.empty("demo");
        ClusterState oldLeaderN1 = cluster("n1", TERM - 1, member("n1", PgRole.PRIMARY, "running", 1, 5000, TERM - 1),
                replicaRecord("n2", 5000), replicaRecord("n3", 4000));
        ClusterState afterFailover = withHistory(cluster("n2", TERM, member("n1", PgRole.STOPPED, "stopped", 1, 5000, TERM - 1),
                member("n2", PgRole.PRIMARY, "running", 2, 6000, TERM), replicaRecord("n3", 6000)), 2, 5000, "n2");
        return Stream.of(
                // fencing
                row("fences a writable primary that is not Raft leader", "n1", steady, follower("n2"), primary(1, 5000),
                        Reason.FENCE_LEASE_LOST, List.of(RemoveVip.class, Stop.class, DisarmWatchdog.class)),
                row("fences a primary whose lease lapsed", "n1", steady, leaderWithoutLease("n1"), primary(1, 5000),
                        Reason.FENCE_LEASE_LOST, List.of(RemoveVip.class, Stop.class, DisarmWatchdog.class)),
                row("fences a writable primary when the leader key names another member", "n3", steady,
                        leaderWithLease("n3"), primary(1, 5000), Reason.FENCE_LEASE_LOST,
                        List.of(RemoveVip.class, Stop.class, DisarmWatchdog.class)),
                row("fences even while a background job runs", "n1", steady, follower("n2"),
                        withActivity(primary(1, 5000), Activity.PROMOTING), Reason.FENCE_LEASE_LOST,
                        List.of(RemoveVip.class, Stop.class, DisarmWatchdog.class)),
                // maintenance mode
                row("paused: a primary with its lease only disarms the watchdog", "n1", steady.withPaused(true),
                        leaderWithLease("n1"), primary(1, 5000), Reason.PAUSED, List.of(DisarmWatchdog.class)),
                row("paused: a stopped primary is not restarted", "n1", steady.withPaused(true),
                        leaderWithLease("n1"), stopped(ControlState.IN_PRODUCTION, 1, 5000), Reason.PAUSED,
                        List.of(DisarmWatchdog.class)),
                row("paused: a replica does not take over a dead primary's role", "n2", afterFailover.withPaused(true),
                        leaderWithLease("n2"), replica("n1", 1, 5000, false), Reason.PAUSED,
                        List.of(DisarmWatchdog.class)),
                // generic waits
                row("does nothing while a background job runs", "n2", steady, follower("n1"),
                        withActivity(replica("n1", 1, 5000, true), Activity.STARTING), Reason.BUSY, List.of()),
                row("waits without a Raft leader", "n2", steady, noLeader(), replica("n1", 1, 5000, true),
                        Reason.WAITING_FOR_RAFT, List.of()),
                row("waits for its lease as a new Raft leader", "n2", steady, leaderWithoutLease("n2"),
                        replica("n1", 1, 5000, true), Reason.WAITING_FOR_RAFT, List.of()),
                row("refuses a data directory of another cluster", "n2", steady, follower("n1"),
                        withSystemId(stopped(ControlState.SHUT_DOWN, 1, 10), "999"), Reason.FOREIGN_DATA_DIRECTORY, List.of()),
                // bootstrap
                row("Raft leader with bootstrap section claims the initialize key", "n1", uninitialized,
                        leaderWithLease("n1"), empty(), Reason.BOOTSTRAP_CLAIM, List.of(ClaimInitialize.class)),
                row("non-leader waits for the bootstrap", "n2", uninitialized, follower("n1"), empty(),
                        Reason.BOOTSTRAP_WAIT, List.of()),
                row("initializer runs initdb", "n1", uninitialized.withInitializer("n1", TERM), leaderWithLease("n1"),
                        empty(), Reason.BOOTSTRAP_RUNNING, List.of(ArmWatchdog.class, Bootstrap.class)),
                row("initializer publishes the system id and takes the leader key", "n1",
                        uninitialized.withInitializer("n1", TERM), leaderWithLease("n1"), primary(1, 100),
                        Reason.BOOTSTRAP_COMPLETE, List.of(CompleteInitialize.class, ClaimLeader.class)),
                row("initializer gives up after initdb failed", "n1", uninitialized.withInitializer("n1", TERM),
                        leaderWithLease("n1"), withFailure(empty(), Activity.INITDB, "initdb: disk full"),
                        Reason.BOOTSTRAP_FAILED, List.of(AbortInitialize.class, RemoveDataDirectory.class)),
                row("new leader takes over a stale initialize claim", "n2", uninitialized.withInitializer("n1", TERM - 1),
                        leaderWithLease("n2"), empty(), Reason.BOOTSTRAP_CLAIM, List.of(ClaimInitialize.class)),
                row("others wait for a current initialize claim", "n2", uninitialized.withInitializer("n1", TERM),
                        leaderWithLease("n2"), empty(), Reason.BOOTSTRAP_WAIT, List.of()),
                // primary
                row("primary with lease keeps watchdog, slots and VIP", "n1", steady, leaderWithLease("n1"),
                        primary(1, 5000), Reason.LEADER_WITH_LEASE,
                        List.of(ArmWatchdog.class, EnsureSlots.class, AddVip.class)),
                row("promotes after its leader claim committed", "n2", cluster("n2", TERM, replicaRecord("n2", 5000)),
                        leaderWithLease("n2"), replica("n1", 1, 5000, false), Reason.PROMOTE,
                        List.of(ArmWatchdog.class, Promote.class)),
                row("restarts a crashed primary in place within primary_start_timeout", "n1", steady,
                        leaderWithLease("n1"), stopped(ControlState.IN_PRODUCTION, 1, 5000), Reason.RESTART_PRIMARY,
                        List.of(ArmWatchdog.class, StartPrimary.class)),
                row("fails over when the crashed primary misses primary_start_timeout", "n1", steady,
                        leaderWithLease("n1"), downSince(stopped(ControlState.IN_PRODUCTION, 1, 5000), NOW - 400_000),
                        Reason.PRIMARY_START_TIMEOUT, List.of(TransferLeadership.class)),
                row("starts a claimed but stopped replica as standby before promoting", "n2",
                        cluster("n2", TERM, replicaRecord("n2", 5000)), leaderWithLease("n2"),
                        stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 1, 5000), Reason.PROMOTE, List.of(Follow.class)),
                // failover decisions on the new Raft leader
                row("best candidate claims the leader key", "n2", oldLeaderN1, leaderWithLease("n2"),
                        replica("n1", 1, 5000, false), Reason.CLAIM_LEADER, List.of(ClaimLeader.class)),
                row("hands Raft leadership to a better candidate", "n3", oldLeaderN1, leaderWithLease("n3"),
                        replica("n1", 1, 4000, false), Reason.HANDOFF_TO_BETTER_CANDIDATE,
                        List.of(TransferLeadership.class)),
                row("re-elected former primary keeps its timeline", "n1", oldLeaderN1, leaderWithLease("n1"),
                        primary(1, 5000), Reason.CLAIM_LEADER, List.of(ClaimLeader.class)),
                // replicas
                row("clones an empty member from the primary", "n2", steady, follower("n1"), empty(), Reason.CLONE,
                        List.of(Clone.class)),
                row("keeps following", "n2", steady, follower("n1"), replica("n1", 1, 5000, true),
                        Reason.REPLICA_FOLLOWING, List.of()),
                row("re-points a replica at the new primary", "n3", afterFailover, follower("n2"),
                        replica("n1", 1, 5000, false), Reason.FOLLOW_LEADER, List.of(Follow.class)),
                row("starts a stopped replica", "n3", steady, follower("n1"),
                        stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 1, 4000), Reason.FOLLOW_LEADER, List.of(Follow.class)),
                row("rewinds a former primary on an older timeline", "n1", afterFailover, follower("n2"),
                        stopped(ControlState.IN_PRODUCTION, 1, 5100), Reason.REWIND, List.of(Rewind.class)),
                row("stays stopped after a failed rewind when removal is not allowed", "n1", afterFailover,
                        follower("n2"), withFailure(stopped(ControlState.IN_PRODUCTION, 1, 5100), Activity.REWINDING,
                                "pg_rewind: could not find common ancestor"), Reason.DIVERGED_STUCK, List.of()),
                row("stops a replica whose WAL went past the fork", "n3", afterFailover, follower("n2"),
                        replica("n2", 1, 5500, false), Reason.REWIND, List.of(Stop.class)),
                row("a replica behind the fork just follows the timeline switch", "n3", afterFailover, follower("n2"),
                        replica("n2", 1, 4500, false), Reason.REPLICA_FOLLOWING, List.of()),
                row("waits while the leader key names itself but another member leads Raft", "n1", steady,
                        follower("n2"), stopped(ControlState.SHUT_DOWN, 1, 5000), Reason.NO_LEADER_WAIT, List.of()),
                row("waits for a leader key", "n2", cluster(null, 0, replicaRecord("n2", 1)), follower("n1"),
                        replica(null, 1, 100, false), Reason.NO_LEADER_WAIT, List.of())
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides(Row row) {
        Decision d = decider(row.me()).decide(row.view(), row.local(), NOW);
        assertEquals(row.reason(), d.reason(), d.summary());
        assertEquals(row.actions(), d.actions().stream().map(a -> (Class<?>) a.getClass()).toList(), d.summary());
    }
}
