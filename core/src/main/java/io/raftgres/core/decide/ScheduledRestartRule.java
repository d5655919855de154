package io.raftgres.core.decide;

import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.ScheduledRestart;

/**
 * What a member does with its own scheduled restart this cycle, as Patroni's
 * {@code evaluate_scheduled_restart}: nothing before it is due; once due, restart if the
 * conditions ({@link RestartConditions}) hold, else drop it with the reason. Either way a due
 * entry leaves the replicated state. Pure: the wall clock comes in.
 */
public final class ScheduledRestartRule {

    /** The outcome of one evaluation. */
    public enum Verdict {
        /** No scheduled restart for this member, or not due yet. */
        WAIT,
        /** Due and the conditions hold: restart through the operator request path, then remove it. */
        RESTART,
        /** Due but a condition fails: remove it without restarting. */
        DROP
    }

    /** The verdict and its one sentence. */
    public record Evaluation(Verdict verdict, String why) { }

    private ScheduledRestartRule() {
    }

    public static Evaluation evaluate(ScheduledRestart restart, LocalPgState local, MemberRecord mine,
                                      long wallMillis) {
        if (restart == null) {
            return new Evaluation(Verdict.WAIT, "no restart is scheduled");
        }
        if (!restart.dueAt(wallMillis)) {
            return new Evaluation(Verdict.WAIT, "the scheduled restart is due in "
                    + (restart.scheduleMillis() - wallMillis) + " ms");
        }
        String unmet = RestartConditions.unmet(restart.restartPending(), restart.role(), restart.postgresVersion(),
                local, mine);
        return unmet == null ? new Evaluation(Verdict.RESTART, "the scheduled restart is due")
                : new Evaluation(Verdict.DROP, "the scheduled restart is due but its conditions are not satisfied: "
                + unmet);
    }
}
