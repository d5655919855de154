package io.raftgres.core.decide;

import io.raftgres.core.decide.HaAction.ArmWatchdog;
import io.raftgres.core.decide.HaAction.Clone;
import io.raftgres.core.decide.HaAction.Follow;
import io.raftgres.core.decide.HaAction.RemoveDataDirectory;
import io.raftgres.core.decide.HaAction.StartPrimary;
import io.raftgres.core.decide.HaAction.Stop;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.OperatorRequest;
import io.raftgres.core.model.OperatorRequest.Kind;
import io.raftgres.core.model.OperatorRequest.Step;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.Upstream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.raftgres.core.decide.Fixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An operator's restart and reinitialize, one row per step and role: the decision's reason,
 * actions and sentence. The fence still comes first (a writable member without the lease is
 * fenced whatever was asked), and maintenance mode does not hold the request back.
 */
class OperatorRulesTest {

    record Row(String behaviour, String me, ClusterState state, RaftView raft, LocalPgState local,
               OperatorRequest request, Reason reason, String summary, List<HaAction> actions) {
        @Override
        public String toString() {
            return behaviour;
        }
    }

    private static final Upstream N1 = new Upstream("n1", "127.0.0.1", 5433);

    private static ClusterState steady() {
        return cluster("n1", TERM, member("n1", PgRole.PRIMARY, "running", 1, 5000, TERM),
                replicaRecord("n2", 5000), replicaRecord("n3", 5000));
    }

    private static OperatorRequest restart(Step step) {
        return new OperatorRequest(Kind.RESTART, step);
    }

    private static OperatorRequest reinit(Step step) {
        return new OperatorRequest(Kind.REINITIALIZE, step);
    }

    private static Row row(String behaviour, String me, ClusterState state, RaftView raft, LocalPgState local,
                           OperatorRequest request, Reason reason, String summary, HaAction... actions) {
        return new Row(behaviour, me, state, raft, local, request, reason, summary, List.of(actions));
    }

    static Stream<Row> rows() {
        LocalPgState stoppedPrimary = stopped(ControlState.SHUT_DOWN, 1, 5000);
        LocalPgState streaming = replica("n1", 1, 5000, true);
        return Stream.of(
                row("restart stops the primary fast; the VIP goes because the decision does not ask for it", "n1",
                        steady(), leaderWithLease("n1"), primary(1, 5000), restart(Step.STOP), Reason.OPERATOR_STOP,
                        "restart requested by an operator: stopping PostgreSQL (fast)", new Stop(StopMode.FAST)),
                row("restart starts the primary again while it holds key and lease", "n1", steady(),
                        leaderWithLease("n1"), stoppedPrimary, restart(Step.START), Reason.OPERATOR_START_PRIMARY,
                        "restart requested by an operator: starting PostgreSQL as primary",
                        new ArmWatchdog(), new StartPrimary()),
                row("paused: the restart still runs, the watchdog stays disarmed", "n1", steady().withPaused(true),
                        leaderWithLease("n1"), stoppedPrimary, restart(Step.START), Reason.OPERATOR_START_PRIMARY,
                        "restart requested by an operator: starting PostgreSQL as primary", new StartPrimary()),
                row("a key holder that lost its lease does not start a primary", "n1", steady(),
                        leaderWithoutLease("n1"), stoppedPrimary, restart(Step.START), Reason.OPERATOR_WAIT,
                        "no action: restart requested by an operator: I hold the leader key but not the lease to "
                                + "start a primary"),
                row("restart starts a replica following the primary", "n2", steady(), follower("n1"),
                        stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 1, 5000), restart(Step.START),
                        Reason.OPERATOR_START_REPLICA, "restart requested by an operator: starting as a replica of n1",
                        new Follow(N1)),
                row("at level 10 a restart does not start a replica while another member replaces the key's", "n2",
                        steady().withFeatureLevel(io.raftgres.core.model.FeatureLevel.FINAL_POSITIONS), follower("n3"),
                        stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 1, 5000), restart(Step.START), Reason.OPERATOR_WAIT,
                        "no action: restart requested by an operator: n3 leads Raft and chooses a primary to replace n1"),
                row("reinitialize stops the replica", "n2", steady(), follower("n1"), streaming,
                        reinit(Step.STOP), Reason.OPERATOR_STOP,
                        "reinitialize requested by an operator: stopping PostgreSQL (fast)", new Stop(StopMode.FAST)),
                row("reinitialize removes the data directory, paused or not", "n2", steady().withPaused(true),
                        follower("n1"), stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 1, 5000), reinit(Step.REMOVE),
                        Reason.OPERATOR_REMOVE_DATA, "reinitialize requested by an operator: removing the data directory",
                        new RemoveDataDirectory()),
                row("reinitialize clones from the primary", "n2", steady(), follower("n1"), empty(),
                        reinit(Step.CLONE), Reason.OPERATOR_CLONE, "reinitialize requested by an operator: cloning from n1",
                        new Clone(N1)),
                row("reinitialize waits while no other member holds the leader key", "n2",
                        cluster(null, 0, replicaRecord("n2", 5000)), follower("n1"), empty(), reinit(Step.CLONE),
                        Reason.OPERATOR_WAIT, "no action: reinitialize requested by an operator: no other member runs "
                                + "the primary to clone from"),
                row("the fence comes before any request", "n1", steady(), follower("n2"), primary(1, 5000),
                        restart(Step.STOP), Reason.FENCE_LEASE_LOST, "fencing: I am not the Raft leader (term 7); "
                                + "removing the VIP and stopping PostgreSQL immediately",
                        new HaAction.RemoveVip(), new Stop(StopMode.IMMEDIATE), new HaAction.DisarmWatchdog()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides(Row row) {
        Decision d = decider(row.me()).decide(view(row.state(), row.raft()), row.local(), row.request(), NOW);
        assertEquals(row.reason(), d.reason(), d.summary());
        assertEquals(row.summary(), d.summary());
        assertEquals(row.actions(), d.actions());
    }
}
