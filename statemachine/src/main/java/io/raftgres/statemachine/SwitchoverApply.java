package io.raftgres.statemachine;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.Switchover;
import io.raftgres.statemachine.Command.AbandonSwitchover;
import io.raftgres.statemachine.Command.BeginHandover;
import io.raftgres.statemachine.Command.CancelSwitchover;
import io.raftgres.statemachine.Command.ClaimLeader;
import io.raftgres.statemachine.Command.RequestSwitchover;

/**
 * Deterministic apply of the switchover commands (feature level 4 on; below it every one is
 * refused, as a build before level 4 refuses the unknown type). One request at a time: a new one
 * is accepted only when none is active; a given-up one stays, inactive, until the next request.
 */
final class SwitchoverApply {

    private SwitchoverApply() {
    }

    static ApplyResult request(ClusterState state, RequestSwitchover c) {
        String refusal = levelRefusal(state);
        if (refusal == null && state.activeSwitchover() != null) {
            Switchover pending = state.activeSwitchover();
            refusal = pending.scheduled() ? "a switchover is already scheduled" : "a switchover is already in progress";
        }
        LeaderRecord leader = state.leader();
        if (refusal == null && c.leader() != null && (leader == null || !leader.member().equals(c.leader()))) {
            refusal = c.leader() + " is not the leader" + (leader == null ? "" : "; " + leader.member() + " is");
        }
        if (refusal == null && c.leader() == null && c.candidate() == null) {
            refusal = "a failover needs a candidate";
        }
        if (refusal == null && c.candidate() != null && !state.members().containsKey(c.candidate())) {
            refusal = c.candidate() + " is not a member of the cluster";
        }
        if (refusal == null && c.candidate() != null && c.candidate().equals(c.leader())) {
            refusal = "switchover target and source are the same";
        }
        return refusal != null ? ApplyResult.rejected(state, refusal) : ApplyResult.accepted(state.withSwitchover(
                Switchover.requested(c.leader(), c.candidate(), c.scheduledAtMillis(), c.requestedAtMillis())));
    }

    static ApplyResult cancel(ClusterState state, CancelSwitchover c) {
        String refusal = levelRefusal(state);
        Switchover pending = state.activeSwitchover();
        if (refusal == null && pending == null) {
            refusal = "no switchover is scheduled";
        }
        if (refusal == null && pending.handover() != null) {
            refusal = "the switchover has begun: " + state.leader().member() + " hands over to "
                    + pending.handover().to();
        }
        return refusal != null ? ApplyResult.rejected(state, refusal) : ApplyResult.accepted(state.withSwitchover(null));
    }

    static ApplyResult beginHandover(ClusterState state, BeginHandover c) {
        String refusal = levelRefusal(state);
        Switchover pending = state.activeSwitchover();
        LeaderRecord leader = state.leader();
        Switchover.Handover named = pending == null ? null : pending.handover();
        if (refusal == null && (pending == null || named != null && (named.released() || c.checkpoint() == null
                || !named.to().equals(c.to())))) {
            refusal = "no switchover awaits a handover" + (named != null && !named.released() ? " to " + c.to() : "");
        }
        if (refusal == null && (leader == null || !leader.member().equals(c.member()) || leader.term() != c.term())) {
            refusal = c.member() + " does not hold the leader key for term " + c.term();
        }
        if (refusal == null && named == null && state.paused()
                && state.featureLevel() >= FeatureLevel.PAUSE_EXCLUDES_HANDOVER) {
            refusal = "the cluster is paused (maintenance mode): the switchover waits until it is resumed";
        }
        if (refusal == null && (!state.members().containsKey(c.to()) || c.to().equals(c.member()))) {
            refusal = "cannot hand over to " + c.to();
        }
        return refusal != null ? ApplyResult.rejected(state, refusal) : ApplyResult.accepted(state.withSwitchover(
                pending.withHandover(new Switchover.Handover(c.to(), c.term(), c.checkpoint(), c.timeline(),
                        c.atMillis()))));
    }

    /**
     * Pause and a handover exclude each other (feature level 8 on): the old primary decides its
     * stop in the cycle that names the target, so a pause committed between that decision and the
     * stop would not stop it. Ordered by the log, either the handover's first step commits first
     * (then pause is refused here until the switchover ended) or the pause does (then that step is
     * refused in {@link #beginHandover} and the executor skips the stop that follows it).
     *
     * @return why turning pause on must be refused now; null when it may be applied
     */
    static String pauseRefusal(ClusterState state, io.raftgres.core.model.DynamicConfig next) {
        Switchover pending = state.activeSwitchover();
        if (!next.pause() || state.paused() || pending == null || pending.handover() == null
                || state.featureLevel() < FeatureLevel.PAUSE_EXCLUDES_HANDOVER) {
            return null;
        }
        String from = state.leader() == null ? "the old primary" : state.leader().member();
        return "a switchover is in progress (" + from + " hands over to " + pending.handover().to()
                + "): pause once it has finished";
    }

    static ApplyResult abandon(ClusterState state, AbandonSwitchover c) {
        String refusal = levelRefusal(state);
        if (refusal == null && state.activeSwitchover() == null) {
            refusal = "no switchover is active";
        }
        return refusal != null ? ApplyResult.rejected(state, refusal)
                : ApplyResult.accepted(state.withSwitchover(state.activeSwitchover().withFailure(c.why())));
    }

    /**
     * After a leader key claim: the switchover's target (the handover's, or a manual failover's
     * candidate) taking the key completes it; anyone else taking it during a handover ends it.
     */
    static ClusterState afterClaim(ClusterState state, ClaimLeader c) {
        Switchover pending = state.activeSwitchover();
        if (pending == null) {
            return state;
        }
        String target = pending.handover() != null && pending.handover().released() ? pending.handover().to()
                : pending.isFailover() ? pending.candidate() : null;
        if (c.member().equals(target)) {
            return state.withSwitchover(null);
        }
        if (pending.handover() != null) {
            return state.withSwitchover(pending.withFailure(c.member() + " took the leader key during the switchover"));
        }
        return state;
    }

    private static String levelRefusal(ClusterState state) {
        return state.featureLevel() < FeatureLevel.SWITCHOVER ? "switchover needs feature level "
                + FeatureLevel.SWITCHOVER + ", the cluster runs " + state.featureLevel() : null;
    }
}
