package io.raftgres.core.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SilenceRuleTest {

    private final SilenceRule rule = new SilenceRule(SafetyTiming.DEFAULT);

    @Test
    void thresholdsLieBetweenTheMinimumAndTheSpreadAboveIt() {
        // defaults: ET 2000..2500, heartbeat 250: thresholds from 2250, spread 250 (up to ET_max)
        assertEquals(250, rule.spread().toMillis());
        assertEquals(2250, rule.thresholdMillis(0));
        assertEquals(2375, rule.thresholdMillis(0.5));
        assertTrue(rule.thresholdMillis(0.999_999) < 2500);
        assertThrows(IllegalArgumentException.class, () -> rule.thresholdMillis(1.0));
        assertThrows(IllegalArgumentException.class, () -> rule.thresholdMillis(-0.1));
    }

    @Test
    void theSpreadNeverReachesPastTheMaximumElectionTimeout() {
        SilenceRule wide = new SilenceRule(SafetyTiming.ofMillis(2000, 4000, 250, 1000, 100, 500));
        assertEquals(300, wide.spread().toMillis());
        SilenceRule narrow = new SilenceRule(SafetyTiming.ofMillis(2000, 2100, 250, 1000, 100, 500));
        assertEquals(0, narrow.spread().toMillis(), "the margin alone passes ET_max: no spread");
        assertEquals(2100, narrow.thresholdMillis(0.9), "never past ET_max");
    }

    @Test
    void campaignsOnlyWhenAFollowerHasNotHeardItsKnownLeaderForTheThreshold() {
        long threshold = rule.thresholdMillis(0.1);
        assertVerdict(SilenceRule.Reason.LEADER_SILENT, true, rule.judge(true, true, 0, threshold, threshold));
        assertVerdict(SilenceRule.Reason.LEADER_HEARD, false, rule.judge(true, true, 0, threshold - 1, threshold));
        assertVerdict(SilenceRule.Reason.NOT_A_FOLLOWER, false, rule.judge(false, true, 0, 10_000, threshold));
        assertVerdict(SilenceRule.Reason.APPEND_IN_PROGRESS, false, rule.judge(true, true, 1, 10_000, threshold));
    }

    @Test
    void refusesAThresholdBelowTheMinimumElectionTimeout() {
        assertThrows(IllegalArgumentException.class, () -> rule.judge(true, true, 0, 5000, 1999));
        assertThrows(IllegalArgumentException.class, () -> rule.judge(true, false, 0, 5000, 499),
                "a leaderless threshold below two heartbeat intervals");
    }

    @Test
    void leaderlessThresholdsLieAboveTwoHeartbeatIntervals() {
        // defaults: 2 x heartbeat 250, spread 250; preferred lowest third, others upper half; peer calls outlast a round
        assertEquals(2750, SafetyTiming.DEFAULT.peerRequestTimeout().toMillis());
        assertEquals(500, rule.leaderlessThresholdMillis(0, true));
        assertTrue(rule.leaderlessThresholdMillis(0.999, true) < 584);
        assertEquals(625, rule.leaderlessThresholdMillis(0, false));
        assertTrue(rule.leaderlessThresholdMillis(0.999, false) < 750);
        assertTrue(rule.leaderlessThresholdMillis(0.999, false) < rule.thresholdMillis(0, true),
                "a failed election is retried before a silent leader would be noticed");
        assertThrows(IllegalArgumentException.class, () -> rule.leaderlessThresholdMillis(1.0, true));
    }

    @Test
    void aFollowerThatKnowsNoLeaderCampaignsOnlyOnceNoneWasElectedForTheThreshold() {
        long threshold = rule.leaderlessThresholdMillis(0.2, false);
        assertVerdict(SilenceRule.Reason.NO_LEADER_ELECTED, true, rule.judge(true, false, 0, threshold, threshold));
        assertVerdict(SilenceRule.Reason.NO_KNOWN_LEADER, false, rule.judge(true, false, 0, threshold - 1, threshold));
        assertVerdict(SilenceRule.Reason.NO_KNOWN_LEADER, false, rule.judge(true, false, 1, 10_000, threshold));
        assertVerdict(SilenceRule.Reason.NOT_A_FOLLOWER, false, rule.judge(false, false, 0, 10_000, threshold));
    }

    private static void assertVerdict(SilenceRule.Reason reason, boolean campaign, SilenceRule.Verdict verdict) {
        assertEquals(reason, verdict.reason());
        assertEquals(campaign, verdict.campaign());
        assertFalse(verdict.sentence().isBlank());
    }
}
