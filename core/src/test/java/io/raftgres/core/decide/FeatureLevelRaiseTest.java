package io.raftgres.core.decide;

import static io.raftgres.core.decide.Fixtures.NOW;
import static io.raftgres.core.decide.Fixtures.TERM;
import static io.raftgres.core.decide.Fixtures.cluster;
import static io.raftgres.core.decide.Fixtures.follower;
import static io.raftgres.core.decide.Fixtures.leaderWithLease;
import static io.raftgres.core.decide.Fixtures.primary;
import static io.raftgres.core.decide.Fixtures.replica;
import static io.raftgres.core.decide.Fixtures.replicaRecord;
import static io.raftgres.core.decide.Fixtures.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.decide.HaAction.RaiseFeatureLevel;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.RaftView;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 item 11: the Raft leader raises the feature level only once every member of the group
 * has a record, published in this term, that supports it, and never holds anything else back
 * for it. Each negative case is a member that would reject level-2 commands (or might).
 */
class FeatureLevelRaiseTest {

    private static final HaDecider N1 = new HaDecider(new DeciderConfig("n1", true, MemberTags.DEFAULT, false, false,
            false, 1500, 1620, 3));

    @Test
    void theLeaderRaisesTheLevelBeforeItsUsualActions() {
        ClusterState state = cluster("n1", TERM, upgraded(Fixtures.member("n1", PgRole.PRIMARY, "running", 1, 5000,
                TERM)), upgraded(replicaRecord("n2", 5000)), upgraded(replicaRecord("n3", 5000)));
        Decision d = decide(state, leaderWithLease("n1"));
        assertEquals(Reason.LEADER_WITH_LEASE, d.reason());
        assertTrue(d.has(HaAction.AddVip.class), "the primary's own actions still run");
        assertEquals(new RaiseFeatureLevel(TERM, FeatureLevel.LATEST), d.actions().getFirst(),
                "first, so the cycle's other commands apply at the new level");
        assertTrue(d.summary().contains("raising the cluster's feature level from 1 to " + io.raftgres.core.model.FeatureLevel.LATEST), d.summary());
    }

    @Test
    void notWhileAMemberRunsAnOlderBuild() {
        ClusterState state = cluster("n1", TERM, upgraded(Fixtures.member("n1", PgRole.PRIMARY, "running", 1, 5000,
                TERM)), upgraded(replicaRecord("n2", 5000)), replicaRecord("n3", 5000));
        assertFalse(decide(state, leaderWithLease("n1")).has(RaiseFeatureLevel.class));
    }

    @Test
    void notWhileAMemberHasNotPublishedInThisTerm() {
        ClusterState state = cluster("n1", TERM, upgraded(Fixtures.member("n1", PgRole.PRIMARY, "running", 1, 5000,
                TERM)), upgraded(replicaRecord("n2", 5000)), upgraded(replicaRecord("n3", 5000).withTerm(TERM - 1)));
        assertFalse(decide(state, leaderWithLease("n1")).has(RaiseFeatureLevel.class));
    }

    @Test
    void notWhileAMemberOfTheGroupHasNoRecord() {
        ClusterState state = cluster("n1", TERM, upgraded(Fixtures.member("n1", PgRole.PRIMARY, "running", 1, 5000,
                TERM)), upgraded(replicaRecord("n2", 5000)));
        assertFalse(decide(state, leaderWithLease("n1")).has(RaiseFeatureLevel.class));
    }

    @Test
    void notByAFollowerAndNotTwice() {
        ClusterState state = cluster("n2", TERM, upgraded(replicaRecord("n1", 5000)),
                upgraded(Fixtures.member("n2", PgRole.PRIMARY, "running", 1, 5000, TERM)), upgraded(replicaRecord("n3",
                        5000)));
        assertFalse(N1.decide(view(state, follower("n2")), replica("n2", 1, 5000, true), NOW)
                .has(RaiseFeatureLevel.class));
        ClusterState raised = cluster("n1", TERM, upgraded(Fixtures.member("n1", PgRole.PRIMARY, "running", 1, 5000,
                TERM)), upgraded(replicaRecord("n2", 5000)), upgraded(replicaRecord("n3", 5000)))
                .withFeatureLevel(FeatureLevel.LATEST);
        assertFalse(decide(raised, leaderWithLease("n1")).has(RaiseFeatureLevel.class));
    }

    private static Decision decide(ClusterState state, RaftView raft) {
        return N1.decide(view(state, raft), primary(1, 5000), NOW);
    }

    private static MemberRecord upgraded(MemberRecord m) {
        return m.withMaxFeatureLevel(FeatureLevel.LATEST);
    }
}
