package io.raftgres.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.Lsn;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Feature level 9 (timeline reservation): applying a leader claim stores the key's timeline ceiling
 * ({@code TimelineCeiling}); below level 9 the same log gives the key a build before it computes (no
 * ceiling, nothing in the snapshot), so a mixed-version cluster computes one state. Removing the level
 * check in {@code ClusterStateMachine.claimLeader} fails {@link #belowLevel9TheKeyHasNoCeiling}; the
 * ceiling not carried through the snapshot fails {@link #theCeilingSurvivesASnapshot}.
 */
class TimelineReservationApplyTest {

    private static final Lsn FORK = Lsn.parse("0/13C12D2");

    private static ClusterState initialized(int level) {
        ClusterState s = ClusterState.empty("demo").withFeatureLevel(level);
        s = apply(s, new Command.ClaimInitialize("n1", 1), 1);
        return apply(s, new Command.CompleteInitialize("n1", 1, "7000000000000000001"), 1);
    }

    private static ClusterState apply(ClusterState state, Command command, long entryTerm) {
        var result = ClusterStateMachine.apply(state, command, entryTerm);
        assertTrue(result.accepted(), () -> command + ": " + result.rejection());
        return result.state();
    }

    /** Seed 69's log: n1 bootstraps, n1 promotes nothing; n3 takes the key on 2 and is cut off; n2 takes it on 2. */
    private static ClusterState seed69(int level) {
        ClusterState s = apply(initialized(level), new Command.ClaimLeader("n1", 1, 1, FORK), 1);
        s = apply(s, new Command.ClaimLeader("n1", 3, 1, FORK), 3);
        s = apply(s, new Command.RecordTimelineSwitch("n1", 3, 2, FORK, "r", 1), 3);
        s = apply(s, new Command.ClaimLeader("n3", 4, 2, FORK), 4);
        return apply(s, new Command.ClaimLeader("n2", 5, 2, FORK), 5);
    }

    @Test
    void atLevel9EachClaimRaisesTheCeiling() {
        ClusterState s = apply(initialized(FeatureLevel.TIMELINE_RESERVATION),
                new Command.ClaimLeader("n1", 1, 1, FORK), 1);
        assertEquals(1, s.leader().timelineCeiling(), "the first key: the initializer promotes nothing");
        s = apply(s, new Command.ClaimLeader("n3", 4, 2, FORK), 4);
        assertEquals(3, s.leader().timelineCeiling());
        assertEquals(4, seed69(FeatureLevel.TIMELINE_RESERVATION).leader().timelineCeiling(),
                "n2 reserves n3's possible timeline 3 and takes 4");
    }

    @Test
    void belowLevel9TheKeyHasNoCeiling() {
        ClusterState s = seed69(FeatureLevel.PAUSE_EXCLUDES_HANDOVER);
        assertEquals(new LeaderRecord("n2", 5, 2, FORK), s.leader());
        String json = new String(StateCodec.encode(s, 5, 9), StandardCharsets.UTF_8);
        assertFalse(json.contains("timelineCeiling"), json);
    }

    @Test
    void theCeilingSurvivesASnapshot() {
        ClusterState s = seed69(FeatureLevel.TIMELINE_RESERVATION);
        ClusterState read = StateCodec.decode(StateCodec.encode(s, 5, 9)).state();
        assertEquals(s.leader(), read.leader());
        assertEquals(4, read.leader().timelineCeiling());
    }

    /** A rejected claim (someone else initialized the cluster) leaves the key and its ceiling as they were. */
    @Test
    void aRejectedClaimChangesNothing() {
        ClusterState s = initialized(FeatureLevel.TIMELINE_RESERVATION);
        var result = ClusterStateMachine.apply(s, new Command.ClaimLeader("n2", 2, 1, FORK), 2);
        assertFalse(result.accepted());
        assertEquals(s, result.state());
    }
}
