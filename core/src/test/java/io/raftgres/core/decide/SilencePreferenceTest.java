package io.raftgres.core.decide;

import static io.raftgres.core.decide.Fixtures.TERM;
import static io.raftgres.core.decide.Fixtures.cluster;
import static io.raftgres.core.decide.Fixtures.member;
import static io.raftgres.core.decide.Fixtures.replicaRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.SyncMode;
import io.raftgres.core.model.SyncState;
import io.raftgres.core.timing.SafetyTiming;
import io.raftgres.core.timing.SilenceRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which survivor of a dead leader campaigns first: the one the new leader would likely choose. */
class SilencePreferenceTest {

    private static ClusterState primaryN1(long n2Lsn, long n3Lsn) {
        return cluster("n1", TERM, member("n1", PgRole.PRIMARY, "running", 1, 9000, TERM), replicaRecord("n2", n2Lsn),
                replicaRecord("n3", n3Lsn));
    }

    private static final long MIB = 1024 * 1024;

    @Test
    void theReplicaFurthestAheadIsPreferredAndTheOldPrimaryIsNotCompared() {
        ClusterState state = primaryN1(5 * MIB, 3 * MIB);
        assertTrue(SilenceRule.preferred(state, "n2"), "n2 is more than 1 MiB ahead");
        assertFalse(SilenceRule.preferred(state, "n3"));
        ClusterState n3Ahead = primaryN1(3 * MIB, 5 * MIB);
        assertFalse(SilenceRule.preferred(n3Ahead, "n2"), "n3 is more than 1 MiB ahead");
        assertTrue(SilenceRule.preferred(n3Ahead, "n3"));
        assertTrue(SilenceRule.preferred(primaryN1(5000, 5000), "n2"), "a tie goes to the smaller name");
        assertFalse(SilenceRule.preferred(primaryN1(5000, 5000), "n3"), "only one member is preferred");
    }

    /**
     * Two survivors' views of the same cluster under a write load: each applied the records at its own moment,
     * so one sees n2 a little ahead and the other n3. Both must still prefer the same member. Shown to fail with
     * the exact comparison this replaced (2026-12-05): both n2 (first view) and n3 (second view) were preferred.
     */
    @Test
    void closePositionsCountAsTheSameSoThatDifferentViewsAgree() {
        ClusterState seenByN2 = primaryN1(5 * MIB + 40_000, 5 * MIB);
        ClusterState seenByN3 = primaryN1(5 * MIB, 5 * MIB + 70_000);
        assertTrue(SilenceRule.preferred(seenByN2, "n2"));
        assertFalse(SilenceRule.preferred(seenByN3, "n3"), "n3's view must not prefer n3 as well");
        assertTrue(SilenceRule.preferred(seenByN3, "n2"));
    }

    @Test
    void inASynchronousModeOnlyASynchronousStandbyIsPreferred() {
        ClusterState state = primaryN1(5000, 4000).withSync(new SyncState("n1", TERM, SyncMode.ON, List.of("n3"), 1));
        assertFalse(SilenceRule.preferred(state, "n2"), "ahead, but not the synchronous standby");
        assertTrue(SilenceRule.preferred(state, "n3"), "the synchronous standby, behind a replica that may not be promoted");
        ClusterState even = primaryN1(5000, 5000).withSync(new SyncState("n1", TERM, SyncMode.ON, List.of("n3"), 1));
        assertTrue(SilenceRule.preferred(even, "n3"), "n2 ties but is not a synchronous standby");
    }

    @Test
    void aMemberThatMayNotFailOverIsNeverPreferred() {
        ClusterState state = cluster("n1", TERM, member("n1", PgRole.PRIMARY, "running", 1, 9000, TERM),
                member("n2", PgRole.REPLICA, "running", 1, 9000, TERM, new MemberTags(true, 1, false, false, java.util.Map.of())),
                replicaRecord("n3", 1000));
        assertFalse(SilenceRule.preferred(state, "n2"));
        assertFalse(SilenceRule.preferred(state, "n4"), "no record");
    }

    @Test
    void preferredThresholdsComeBeforeTheOthers() {
        SilenceRule rule = new SilenceRule(SafetyTiming.DEFAULT);
        assertEquals(2250, rule.thresholdMillis(0, true));
        assertTrue(rule.thresholdMillis(0.999, true) < 2334);
        assertEquals(2375, rule.thresholdMillis(0, false));
        assertTrue(rule.thresholdMillis(0.999, false) < 2500);
    }
}
