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

    @Test
    void theReplicaFurthestAheadIsPreferredAndTheOldPrimaryIsNotCompared() {
        ClusterState state = primaryN1(5000, 4000);
        assertTrue(SilenceRule.preferred(state, "n2"));
        assertFalse(SilenceRule.preferred(state, "n3"));
        assertTrue(SilenceRule.preferred(primaryN1(5000, 5000), "n2"), "a tie goes to the smaller name");
        assertFalse(SilenceRule.preferred(primaryN1(5000, 5000), "n3"), "only one member is preferred");
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
