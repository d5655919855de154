package io.raftgres.statemachine;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.TimelineSwitch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Feature level 7 (timeline branches): a history entry keeps the leader-key term of its
 * promotion, and a second promotion to the last entry's number under a newer key is recorded as a
 * new entry; below level 7 the same log applies as before (no term, the reuse rejected), so a
 * mixed-version cluster computes one state. Before level 7 existed the reuse was always rejected
 * and the history could not name the primary's branch (simulation seeds 400, 1428).
 */
class TimelineBranchApplyTest {

    private static final Lsn FORK = Lsn.parse("0/10AF217");

    private static ClusterState at(int level) {
        return ClusterState.empty("demo").withFeatureLevel(level);
    }

    private static ClusterState apply(ClusterState state, Command command, long entryTerm) {
        var result = ClusterStateMachine.apply(state, command, entryTerm);
        assertTrue(result.accepted(), () -> command + ": " + result.rejection());
        return result.state();
    }

    /** n3 promotes tl1 -> tl2 under the key of term 2, is cut off; n1 promotes tl1 -> tl2 at the same LSN in term 3. */
    private static ClusterState twoPromotionsToTimeline2(int level) {
        ClusterState s = apply(at(level), new Command.ClaimLeader("n3", 2, 1, FORK), 2);
        s = apply(s, new Command.RecordTimelineSwitch("n3", 2, 2, FORK, "no recovery target specified", 1), 2);
        s = apply(s, new Command.ClaimLeader("n1", 3, 1, FORK), 3);
        return s;
    }

    @Test
    void atLevel7AReusedNumberUnderANewerKeyIsANewEntryWithItsTerm() {
        ClusterState s = twoPromotionsToTimeline2(FeatureLevel.TIMELINE_BRANCHES);
        s = apply(s, new Command.RecordTimelineSwitch("n1", 3, 2, FORK, "no recovery target specified", 2), 3);
        assertEquals(2, s.history().size());
        TimelineSwitch first = s.history().get(0);
        TimelineSwitch second = s.history().get(1);
        assertEquals(new TimelineSwitch(2, FORK, "no recovery target specified", 1, "n3", 1, 2), first);
        assertEquals(new TimelineSwitch(2, FORK, "no recovery target specified", 2, "n1", 1, 3), second);
    }

    @Test
    void atLevel7TheSameKeyCannotRecordItsNumberTwice() {
        ClusterState s = apply(at(FeatureLevel.TIMELINE_BRANCHES), new Command.ClaimLeader("n1", 3, 1, FORK), 3);
        s = apply(s, new Command.RecordTimelineSwitch("n1", 3, 2, FORK, "r", 1), 3);
        var again = ClusterStateMachine.apply(s, new Command.RecordTimelineSwitch("n1", 3, 2, FORK, "r", 2), 3);
        assertFalse(again.accepted());
        assertEquals("timeline 2 is not newer than 2", again.rejection());
    }

    @Test
    void belowLevel7TheReuseIsRejectedAndNoTermIsKept() {
        ClusterState s = twoPromotionsToTimeline2(FeatureLevel.DYNAMIC_CONFIG);
        assertEquals(0, s.history().getFirst().term());
        var reuse = ClusterStateMachine.apply(s, new Command.RecordTimelineSwitch("n1", 3, 2, FORK, "r", 2), 3);
        assertFalse(reuse.accepted());
        assertEquals(1, reuse.state().history().size());
    }

    @Test
    void theTermSurvivesTheSnapshotFormatAndAnOldEntryReadsAsUnknown() {
        ClusterState s = twoPromotionsToTimeline2(FeatureLevel.TIMELINE_BRANCHES);
        ClusterState back = StateCodec.decode(StateCodec.encode(s, 3, 10)).state();
        assertEquals(2, back.history().getFirst().term());
        ClusterState old = twoPromotionsToTimeline2(FeatureLevel.DYNAMIC_CONFIG);
        String json = new String(StateCodec.encode(old, 3, 10), java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(json.contains("\"endedTimeline\":1,\"term\""), json);
        assertEquals(0, StateCodec.decode(StateCodec.encode(old, 3, 10)).state().history().getFirst().term());
    }
}
