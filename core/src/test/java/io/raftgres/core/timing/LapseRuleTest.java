package io.raftgres.core.timing;

import io.raftgres.core.timing.LapseRule.Reason;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lapse rule with the clock passed in: with the gate, a lapse keeps PostgreSQL running only until
 * {@code last acknowledged heartbeat + election_timeout_min - drift - check - fence budget}; without it,
 * or once another member may lead, it fences at once.
 *
 * <p>Shown to fail: with {@link LapseRule#deadline} measuring from the lease's end instead of the
 * heartbeat's send time (one lease too late), four tests fail, among them
 * {@link #theFenceEndsBeforeAnyNewLeaderCanExistForEverySafeTiming}.
 */
class LapseRuleTest {

    private static final LapseRule RULE = new LapseRule(SafetyTiming.DEFAULT);
    /** Last acknowledged heartbeat sent at 10,000 ms, lease 1000 ms: the lease ends at 11,000 in term 5. */
    private static final LeaseGrant GRANT = LeaseGrant.none(5).committed(5, 10_000, 1000);

    @Test
    void theDeadlineIsTheLastHeartbeatPlusTheMinimumElectionTimeoutLessTheFence() {
        // 10,000 + 2000 - 20 (drift) - 100 (check) - 500 (fence budget)
        assertEquals(11_380, RULE.deadline(GRANT));
        assertEquals(380, SafetyTiming.DEFAULT.gateGrace().toMillis());
    }

    @Test
    void aLeaseThatHoldsKeepsEverythingRunning() {
        var v = RULE.judge(true, GRANT, 5, false, false, 10_500);
        assertEquals(Reason.LEASE_HOLDS, v.reason());
        assertTrue(v.keepsRunning());
    }

    @Test
    void withTheGateALapseKeepsPostgresRunningUntilTheDeadline() {
        assertEquals(Reason.GATE_HOLDS, RULE.judge(false, GRANT, 5, false, true, 11_000).reason());
        var last = RULE.judge(false, GRANT, 5, false, true, 11_379);
        assertTrue(last.keepsRunning());
        assertEquals(11_380, last.deadlineMillis());
        var due = RULE.judge(false, GRANT, 5, false, true, 11_380);
        assertEquals(Reason.DEADLINE_PASSED, due.reason());
        assertTrue(due.fence());
    }

    @Test
    void aStepDownWithinTheTermKeepsTheGrace() {
        // mayRunPrimary is false for a follower too; only the grant's term counts.
        assertTrue(RULE.judge(false, GRANT, 5, false, true, 11_200).keepsRunning());
    }

    @Test
    void withoutTheGateALapseFencesAtOnce() {
        var v = RULE.judge(false, GRANT, 5, false, false, 11_000);
        assertEquals(Reason.GATE_NOT_IN_EFFECT, v.reason());
        assertTrue(v.fence());
    }

    @Test
    void aNewTermOrNoGrantFencesAtOnce() {
        assertEquals(Reason.NO_LEASE_IN_TERM, RULE.judge(false, GRANT, 6, false, true, 11_000).reason());
        assertEquals(Reason.NO_LEASE_IN_TERM, RULE.judge(false, LeaseGrant.none(5), 5, false, true, 11_000).reason());
        assertEquals(Reason.NO_LEASE_IN_TERM, RULE.judge(false, null, 5, false, true, 11_000).reason());
    }

    @Test
    void aLeaderKeyOfAnotherMemberFencesAtOnce() {
        var v = RULE.judge(false, GRANT, 5, true, true, 11_000);
        assertEquals(Reason.ANOTHER_LEADER_KEY, v.reason());
        assertFalse(v.keepsRunning());
    }

    @Test
    void aLaterHeartbeatMovesTheDeadline() {
        LeaseGrant later = GRANT.committed(5, 10_750, 1000);
        assertEquals(12_130, RULE.deadline(later));
        assertTrue(RULE.judge(false, later, 5, false, true, 12_000).keepsRunning());
    }

    /**
     * The residual race: a follower grants a pre-vote, acknowledges one more heartbeat sent at {@code s}, then
     * votes; the new leader is elected at {@code e > s}. Its takeover wait must outlast the old primary's gated
     * lapse and fence, measured on the new leader's clock (the old one's clock may run up to the drift slower).
     */
    @Test
    void theTakeoverWaitWithTheGateOutlastsTheGatedLapseOfAHeartbeatAcknowledgedBeforeTheVote() {
        SafetyTiming t = SafetyTiming.DEFAULT;
        long s = 10_000;
        long e = s + 1; // the worst case: the heartbeat right before the election
        long oldGone = new LapseRule(t).deadline(LeaseGrant.none(1).committed(1, s, t.lease().toMillis()))
                + t.leaseCheckInterval().toMillis() + t.fenceBudget().toMillis() + t.drift().toMillis();
        long takeover = e + t.takeoverDelayWithGate().toMillis();
        assertTrue(takeover >= oldGone, "takeover at " + takeover + ", old primary gone at " + oldGone);
        assertTrue(e + t.takeoverDelay().toMillis() < oldGone,
                "the takeover wait without the gate would not suffice (the reason for the longer one)");
        assertEquals(2000, t.takeoverDelayWithGate().toMillis());
    }

    /**
     * The safety property itself, over a grid of timings that pass {@link SafetyTiming#problems()}:
     * the latest instant the fence can finish (deadline + one check interval + the fence budget, seen on a
     * clock that runs {@link SafetyTiming#DRIFT_PERCENT}% fast against the followers') comes before
     * {@code s + election_timeout_min}, and after the lease's end (a gated lapse never fences earlier
     * than the lease alone would have).
     */
    @Test
    void theFenceEndsBeforeAnyNewLeaderCanExistForEverySafeTiming() {
        int checked = 0;
        for (long et = 500; et <= 10_000; et += 250) {
            for (long lease = 100; lease < et; lease += 150) {
                for (long check = 10; check <= 500; check += 70) {
                    for (long fence = 50; fence <= 2000; fence += 190) {
                        SafetyTiming t = SafetyTiming.ofMillis(et, et + 500, Math.max(1, lease / 3), lease, check, fence);
                        if (!t.problems().isEmpty()) {
                            continue;
                        }
                        LapseRule rule = new LapseRule(t);
                        long sent = 1_000_000;
                        long deadline = rule.deadline(LeaseGrant.none(1).committed(1, sent, lease));
                        long fenceDone = deadline + check + fence;
                        assertTrue(fenceDone + t.drift().toMillis() <= sent + et, t + ": fence done at " + fenceDone);
                        assertTrue(deadline > sent + lease, t + ": deadline " + deadline + " not after the lease's end");
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 1000, "checked " + checked);
    }
}
