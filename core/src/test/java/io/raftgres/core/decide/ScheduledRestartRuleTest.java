package io.raftgres.core.decide;

import io.raftgres.core.decide.ScheduledRestartRule.Verdict;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.PendingChange;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.ScheduledRestart;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The "due" rows of a scheduled restart (Patroni's evaluate_scheduled_restart): wait before the
 * time, restart once due when the conditions hold, drop with the reason when one does not. Shown
 * to fail: with {@code dueAt} returning true, {@link #waitsUntilItIsDue} sees RESTART.
 */
class ScheduledRestartRuleTest {

    private static final long AT = 1_000_000;
    private static final LocalPgState REPLICA = Fixtures.replica("n1", 2, 100, true);
    private static final MemberRecord MINE = Fixtures.replicaRecord("n2", 100);

    private static Verdict verdict(ScheduledRestart r, LocalPgState local, MemberRecord mine, long now) {
        return ScheduledRestartRule.evaluate(r, local, mine, now).verdict();
    }

    private static ScheduledRestart at(PgRole role, boolean pending) {
        return new ScheduledRestart(AT, pending, role, 0, 0, 1);
    }

    @Test
    void waitsUntilItIsDue() {
        assertEquals(Verdict.WAIT, verdict(null, REPLICA, MINE, AT));
        assertEquals(Verdict.WAIT, verdict(at(null, false), REPLICA, MINE, AT - 1));
        assertEquals("the scheduled restart is due in 1 ms",
                ScheduledRestartRule.evaluate(at(null, false), REPLICA, MINE, AT - 1).why());
    }

    @Test
    void dueWithItsConditionsMetRestarts() {
        assertEquals(Verdict.RESTART, verdict(at(null, false), REPLICA, MINE, AT));
        assertEquals(Verdict.RESTART, verdict(at(PgRole.REPLICA, false), REPLICA, MINE, AT + 5_000));
        MemberRecord pending = MINE.withPendingRestart(Map.of("max_connections", new PendingChange("100", "200")));
        assertEquals(Verdict.RESTART, verdict(at(null, true), REPLICA, pending, AT));
    }

    @Test
    void dueWithAConditionUnmetIsDropped() {
        ScheduledRestartRule.Evaluation e = ScheduledRestartRule.evaluate(at(PgRole.PRIMARY, false), REPLICA, MINE, AT);
        assertEquals(Verdict.DROP, e.verdict());
        assertEquals("the scheduled restart is due but its conditions are not satisfied: this member is a replica,"
                + " not a primary", e.why());
        assertEquals(Verdict.DROP, verdict(at(null, true), REPLICA, MINE, AT));
    }
}
