package io.raftgres.statemachine;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.ScheduledRestart;
import io.raftgres.statemachine.Command.CancelRestart;
import io.raftgres.statemachine.Command.ScheduleRestart;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduled restart commands' apply rules: the level gate, one per member (a second is a
 * conflict), cancel by the operator (any) or by the due member's HA loop (that schedule only),
 * removal with the member, and the place in snapshots. Every refusal changes nothing. Shown to
 * fail: with the level check removed from RestartApply, {@link #scheduleNeedsLevelSix} accepts the
 * command at level 5; with the containsKey check removed, {@link #aSecondScheduleIsAConflict}
 * replaces the first.
 */
class RestartApplyTest {

    private static final long T = 5;
    private static final ScheduledRestart AT_10 = new ScheduledRestart(10_000, false, PgRole.REPLICA, 0, 0, 1_000);
    private static final ScheduledRestart AT_20 = new ScheduledRestart(20_000, true, null, 160000, 30, 2_000);

    private static ClusterState cluster(int level) {
        ClusterState s = ClusterState.empty("demo").withSystemId("7300").withFeatureLevel(level);
        for (String m : CommandSamples.MEMBERS) {
            s = s.withMember(CommandSamples.member(m, 1, Lsn.ZERO));
        }
        return s;
    }

    private static ClusterState accepted(ClusterState s, Command c) {
        ApplyResult r = ClusterStateMachine.apply(s, c, T);
        assertTrue(r.accepted(), c + ": " + r.rejection());
        return r.state();
    }

    private static void refused(ClusterState s, Command c, String why) {
        ApplyResult r = ClusterStateMachine.apply(s, c, T);
        assertFalse(r.accepted(), c.toString());
        assertEquals(why, r.rejection());
        assertEquals(s, r.state(), "nothing changes after a refusal");
    }

    @Test
    void scheduleNeedsLevelSix() {
        ClusterState s = cluster(FeatureLevel.SYNC_REPLICATION);
        refused(s, new ScheduleRestart("n2", T, AT_10), "scheduled restarts need feature level 6, the cluster runs 5");
        refused(s, new CancelRestart("n2", T, 0), "scheduled restarts need feature level 6, the cluster runs 5");
    }

    @Test
    void aMemberSchedulesItsOwnRestart() {
        ClusterState s = accepted(cluster(FeatureLevel.SCHEDULED_RESTART), new ScheduleRestart("n2", T, AT_10));
        assertEquals(java.util.Map.of("n2", AT_10), s.restarts());
        refused(cluster(6).withoutMember("n2"), new ScheduleRestart("n2", T, AT_10),
                "n2 has no member record to schedule a restart for");
        refused(cluster(6), new ScheduleRestart("n2", T, new ScheduledRestart(0, false, null, 0, 0, 1)),
                "a scheduled restart needs a time");
    }

    @Test
    void aSecondScheduleIsAConflict() {
        ClusterState s = accepted(cluster(FeatureLevel.LATEST), new ScheduleRestart("n2", T, AT_10));
        refused(s, new ScheduleRestart("n2", T, AT_20), "Another restart is already scheduled");
        ClusterState both = accepted(s, new ScheduleRestart("n3", T, AT_20));
        assertEquals(2, both.restarts().size(), "another member's schedule is its own");
    }

    @Test
    void theOperatorCancelsWhicheverThereIs() {
        refused(cluster(6), new CancelRestart("n2", T, 0), "no restarts are scheduled");
        ClusterState s = accepted(cluster(6), new ScheduleRestart("n2", T, AT_10));
        s = accepted(s, new ScheduleRestart("n3", T, AT_20));
        ClusterState after = accepted(s, new CancelRestart("n2", T, 0));
        assertEquals(java.util.Map.of("n3", AT_20), after.restarts(), "only the issuer's restart goes");
    }

    /** The due member removes the schedule it carried out, never a newer one that replaced it. */
    @Test
    void dueRemovalTakesOnlyThatSchedule() {
        ClusterState s = accepted(cluster(6), new ScheduleRestart("n2", T, AT_10));
        refused(s, new CancelRestart("n2", T, AT_20.requestedAtMillis()), "no restarts are scheduled");
        assertTrue(accepted(s, new CancelRestart("n2", T, AT_10.requestedAtMillis())).restarts().isEmpty());
    }

    @Test
    void removingTheMemberRemovesItsRestart() {
        ClusterState s = accepted(cluster(6), new ScheduleRestart("n2", T, AT_10));
        assertTrue(accepted(s, new Command.RemoveMember("n1", T, "n2")).restarts().isEmpty());
    }

    @Test
    void restartsSurviveASnapshotAndOldSnapshotsHaveNone() {
        ClusterState s = accepted(accepted(cluster(6), new ScheduleRestart("n2", T, AT_10)),
                new ScheduleRestart("n3", T, AT_20));
        assertEquals(s, StateCodec.decode(StateCodec.encode(s, T, 9)).state());
        String json = new String(StateCodec.encode(cluster(6), T, 9), StandardCharsets.UTF_8);
        assertFalse(json.contains("restarts"), "absent when there are none: " + json);
        assertTrue(StateCodec.decode(json.getBytes(StandardCharsets.UTF_8)).state().restarts().isEmpty());
    }
}
