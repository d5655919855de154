package io.raftgres.core.decide;

import io.raftgres.core.decide.HaAction.ArmWatchdog;
import io.raftgres.core.decide.HaAction.Clone;
import io.raftgres.core.decide.HaAction.Follow;
import io.raftgres.core.decide.HaAction.RemoveDataDirectory;
import io.raftgres.core.decide.HaAction.StartPrimary;
import io.raftgres.core.decide.HaAction.Stop;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.OperatorRequest;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.Upstream;

/**
 * Carries out an operator's restart or reinitialize, one step per cycle; tried after the fence
 * and busy rules and before pause (Patroni allows both in maintenance mode).
 *
 * <p>Restart of the primary: the member keeps Raft leadership, its lease and the leader key all
 * along (Raft does not notice a PostgreSQL restart), so no other member may claim the key; the
 * VIP is removed while PostgreSQL is down (the stop decision does not ask for it, and the
 * executor drops it then) and added back by the primary rules once PostgreSQL accepts writes
 * again. The start goes through the executor's primary-role check, so a member that lost its
 * lease meanwhile never starts a writable primary; if the start takes longer than
 * {@code primary_start_timeout} the primary rules fail over as after a crash.
 */
final class OperatorRules {

    private final DeciderConfig config;

    OperatorRules(DeciderConfig config) {
        this.config = config;
    }

    Decision decide(OperatorRequest request, ClusterState state, RaftView raft, LocalPgState local) {
        String what = request.label() + " requested by an operator";
        if ((request.step() == OperatorRequest.Step.START || request.step() == OperatorRequest.Step.CLONE)
                && ReplicaRules.replacing(state, raft)) {
            // As ReplicaRules: nothing starts or streams while the key's member is being replaced (level 10),
            // or this member's stopped position, which the new leader counts as final, could be passed.
            return waiting(what + ": " + raft.leaderId() + " leads Raft and chooses a primary to replace "
                    + state.leader().member());
        }
        return switch (request.step()) {
            case STOP -> local.running()
                    ? Decision.of(Reason.OPERATOR_STOP, what + ": stopping PostgreSQL (fast)", new Stop(StopMode.FAST))
                    : waiting(what + ": PostgreSQL is stopped");
            case REMOVE -> Decision.of(Reason.OPERATOR_REMOVE_DATA, what + ": removing the data directory",
                    new RemoveDataDirectory());
            case CLONE -> primaryElsewhere(state)
                    .map(u -> Decision.of(Reason.OPERATOR_CLONE, what + ": cloning from " + u.member(), new Clone(u)))
                    .orElseGet(() -> waiting(what + ": no other member runs the primary to clone from"));
            case START -> start(what, state, raft, local);
        };
    }

    private Decision start(String what, ClusterState state, RaftView raft, LocalPgState local) {
        LeaderRecord leader = state.leader();
        boolean mine = leader != null && leader.member().equals(config.memberName());
        if (mine && raft.isLeaderWithLease() && local.controlState().lastRanAsPrimary()) {
            // Paused: the watchdog stays disarmed (the pause rule); otherwise armed before the primary runs.
            return state.paused()
                    ? Decision.of(Reason.OPERATOR_START_PRIMARY, what + ": starting PostgreSQL as primary",
                            new StartPrimary())
                    : Decision.of(Reason.OPERATOR_START_PRIMARY, what + ": starting PostgreSQL as primary",
                            new ArmWatchdog(), new StartPrimary());
        }
        if (mine) {
            return waiting(what + ": I hold the leader key but not the lease to start a primary");
        }
        return primaryElsewhere(state)
                .map(u -> Decision.of(Reason.OPERATOR_START_REPLICA, what + ": starting as a replica of "
                        + u.member(), new Follow(u)))
                .orElseGet(() -> waiting(what + ": no member holds the leader key to follow"));
    }

    private java.util.Optional<Upstream> primaryElsewhere(ClusterState state) {
        LeaderRecord leader = state.leader();
        if (leader == null || leader.member().equals(config.memberName())) {
            return java.util.Optional.empty();
        }
        MemberRecord m = state.members().get(leader.member());
        return m == null ? java.util.Optional.empty()
                : java.util.Optional.of(new Upstream(m.name(), m.pgHost(), m.pgPort()));
    }

    private static Decision waiting(String why) {
        return Decision.of(Reason.OPERATOR_WAIT, "no action: " + why);
    }
}
