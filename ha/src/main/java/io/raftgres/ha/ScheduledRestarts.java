package io.raftgres.ha;

import io.raftgres.core.decide.ScheduledRestartRule;
import io.raftgres.core.decide.ScheduledRestartRule.Evaluation;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.OperatorRequest.Kind;
import io.raftgres.core.model.ScheduledRestart;
import io.raftgres.statemachine.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out this member's own scheduled restart when it is due (Patroni's
 * {@code evaluate_scheduled_restart}): the HA loop calls {@link #evaluate} each cycle before it
 * advances the operator requests. When {@link ScheduledRestartRule} says restart, the restart is
 * handed to {@link OperatorRequests} (the same path as {@code POST /restart}, so the restart itself
 * is unchanged) and the schedule is removed from the replicated state with a {@code CancelRestart}
 * naming that schedule's request time; when it says drop, only removed. The removal is retried
 * each cycle until committed.
 *
 * <p>At least once: an agent that stops after starting the restart and before the removal is
 * committed restarts PostgreSQL once more after it comes back (the schedule is still due).
 * {@link #evaluate} runs on the HA loop only; the removal completes on any thread.
 */
final class ScheduledRestarts {
    private static final Logger LOG = LoggerFactory.getLogger("raftgres.ha");

    private final AgentIdentity me;
    private final ClusterStore store;
    private final OperatorRequests requests;
    /** The request time of the schedule this agent has acted on (restarted or dropped), else 0. */
    private long handled;
    private volatile boolean removing;

    ScheduledRestarts(AgentIdentity me, ClusterStore store, OperatorRequests requests) {
        this.me = me;
        this.store = store;
        this.requests = requests;
    }

    void evaluate(ClusterState state, LocalPgState local, long wallMillis) {
        ScheduledRestart restart = state.restarts().get(me.name());
        if (state.featureLevel() < FeatureLevel.SCHEDULED_RESTART || restart == null || local.activity().isBusy()) {
            return;
        }
        if (handled != restart.requestedAtMillis()) {
            Evaluation e = ScheduledRestartRule.evaluate(restart, local, state.members().get(me.name()), wallMillis);
            switch (e.verdict()) {
                case WAIT -> {
                    return;
                }
                case RESTART -> {
                    if (requests.submit(Kind.RESTART, false) == null) {
                        LOG.info("{} on {}; waiting for the {} in progress", e.why(), me.name(),
                                requests.inProgress());
                        return;
                    }
                    LOG.info("{} on {}: restarting PostgreSQL", e.why(), me.name());
                }
                case DROP -> LOG.info("{} on {}: removing it", e.why(), me.name());
            }
            handled = restart.requestedAtMillis();
        }
        remove(restart);
    }

    private void remove(ScheduledRestart restart) {
        if (removing) {
            return;
        }
        removing = true;
        store.submit(new Command.CancelRestart(me.name(), store.view().term(), restart.requestedAtMillis()))
                .whenComplete((r, e) -> {
                    removing = false;
                    if (e != null || !r.accepted()) {
                        LOG.warn("scheduled restart of {} not removed yet, will retry: {}", me.name(),
                                e != null ? e.toString() : r.rejection());
                    }
                });
    }
}
