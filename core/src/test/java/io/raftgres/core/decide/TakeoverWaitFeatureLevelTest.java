package io.raftgres.core.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import org.junit.jupiter.api.Test;

/**
 * The takeover waits by feature level: below {@link FeatureLevel#VIP_LEASE_WINDOW} a member may run a build that renews
 * its VIP until its lease's end, so a leader whose cluster has a VIP that expires waits from its election only (the
 * older builds' delay); from that level on, the wait counted from its proven last contact may end it sooner.
 * Shown to fail (2026-12-06) with the feature level ignored: the leader at level 9 took over 3.54 s after its
 * contact, 0.87 s before the older builds' wait from the election ended; and with the member records unchecked, the
 * downgraded member's case did the same.
 */
class TakeoverWaitFeatureLevelTest {

    private static final DeciderConfig CONFIG = new DeciderConfig("n1", true, MemberTags.DEFAULT, false, false, false,
            1500, 3535, 3535, 3, new DeciderConfig.TakeoverWaits(2000, DeciderConfig.NEVER_FROM_CONTACT));
    /** Leader since t=10,000, its proven last contact with the old leader at t=7,600 (2.4 s before). */
    private static final RaftView LEADER = new RaftView(2, RaftRole.LEADER, "n1", true, true, 10_000, true, null, 7_600);

    @Test
    void fromTheVipWindowLevelOnTheWaitCountsFromTheContact() {
        ClusterState state = ClusterState.empty("t").withFeatureLevel(FeatureLevel.VIP_LEASE_WINDOW);
        assertEquals(7_600 + 3_535 - 10_100, CONFIG.takeoverWaitLeft(state, LEADER, 10_100));
    }

    @Test
    void belowItTheOlderBuildsWaitFromTheElectionApplies() {
        ClusterState state = ClusterState.empty("t").withFeatureLevel(FeatureLevel.TIMELINE_RESERVATION);
        assertEquals(10_000 + 2_000 - 10_100, CONFIG.takeoverWaitLeft(state, LEADER, 10_100));
    }

    /** A member downgraded to an older build at level 11: its record's maximum is below it, so the old wait applies. */
    @Test
    void aMemberWhoseBuildDoesNotSupportTheLevelKeepsTheOldWait() {
        ClusterState state = ClusterState.empty("t").withFeatureLevel(FeatureLevel.VIP_LEASE_WINDOW)
                .withMember(member("n1", FeatureLevel.VIP_LEASE_WINDOW)).withMember(member("n2", FeatureLevel.TIMELINE_RESERVATION));
        assertEquals(10_000 + 2_000 - 10_100, CONFIG.takeoverWaitLeft(state, LEADER, 10_100));
    }

    private static io.raftgres.core.model.MemberRecord member(String name, int maxLevel) {
        return Fixtures.replicaRecord(name, 0).withMaxFeatureLevel(maxLevel);
    }

    @Test
    void withoutWaitsBelowTheLevelEveryLevelUsesTheSameWaits() {
        DeciderConfig same = new DeciderConfig("n1", true, MemberTags.DEFAULT, false, false, false, 1500, 2000, 2000, 3);
        ClusterState old = ClusterState.empty("t").withFeatureLevel(FeatureLevel.TIMELINE_RESERVATION);
        assertEquals(7_600 + 2_000 - 10_100, same.takeoverWaitLeft(old, LEADER, 10_100));
    }
}
