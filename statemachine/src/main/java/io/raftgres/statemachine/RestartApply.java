package io.raftgres.statemachine;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.ScheduledRestart;
import io.raftgres.statemachine.Command.CancelRestart;
import io.raftgres.statemachine.Command.ScheduleRestart;

/**
 * Deterministic apply of the scheduled restart commands (feature level 6 on; below it both are
 * refused, as a build before level 6 refuses the unknown types). One scheduled restart per member,
 * kept under the issuing member's name (a member schedules only its own, as Patroni's API does).
 * The refusal texts are Patroni's where the API shows them.
 */
final class RestartApply {

    /** The refusal of a second schedule (the API answers 409 with it). */
    static final String ALREADY_SCHEDULED = "Another restart is already scheduled";
    /** The refusal of a cancel with nothing to cancel (the API answers 404 with it). */
    static final String NONE_SCHEDULED = "no restarts are scheduled";

    private RestartApply() {
    }

    static ApplyResult schedule(ClusterState state, ScheduleRestart c) {
        String refusal = levelRefusal(state);
        if (refusal == null && !state.members().containsKey(c.member())) {
            refusal = c.member() + " has no member record to schedule a restart for";
        }
        if (refusal == null && c.restart().scheduleMillis() <= 0) {
            refusal = "a scheduled restart needs a time";
        }
        if (refusal == null && state.restarts().containsKey(c.member())) {
            refusal = ALREADY_SCHEDULED;
        }
        return refusal != null ? ApplyResult.rejected(state, refusal)
                : ApplyResult.accepted(state.withScheduledRestart(c.member(), c.restart()));
    }

    static ApplyResult cancel(ClusterState state, CancelRestart c) {
        String refusal = levelRefusal(state);
        ScheduledRestart current = state.restarts().get(c.member());
        if (refusal == null && (current == null
                || c.requestedAtMillis() != 0 && c.requestedAtMillis() != current.requestedAtMillis())) {
            refusal = NONE_SCHEDULED;
        }
        return refusal != null ? ApplyResult.rejected(state, refusal)
                : ApplyResult.accepted(state.withScheduledRestart(c.member(), null));
    }

    private static String levelRefusal(ClusterState state) {
        return state.featureLevel() < FeatureLevel.SCHEDULED_RESTART ? "scheduled restarts need feature level "
                + FeatureLevel.SCHEDULED_RESTART + ", the cluster runs " + state.featureLevel() : null;
    }
}
