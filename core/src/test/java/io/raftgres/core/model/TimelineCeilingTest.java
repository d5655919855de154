package io.raftgres.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The timeline ceiling (feature level 9), as the state machine stores it with each claim and as a
 * promoting member reserves up to it. Each case plays claims in log order the way the state machine
 * applies them (the ceiling of {@link TimelineCeiling#afterClaim} on the new key) and checks which
 * number PostgreSQL picks: one above every reserved number and its own timeline. Without the
 * ceiling (a key of a build before level 9) nothing is reserved and the seed-69 case below reuses
 * timeline 3, which {@link #withoutACeilingNothingIsReserved} pins.
 */
class TimelineCeilingTest {

    private static final Lsn FORK = Lsn.parse("0/13C12D2");

    private static ClusterState initialized() {
        return ClusterState.empty("demo").withFeatureLevel(FeatureLevel.TIMELINE_RESERVATION)
                .withInitializer("n1", 1).withSystemId("7000000000000000001");
    }

    /** {@code member}'s claim on {@code timeline} in {@code term}, applied as the state machine does. */
    private static ClusterState claim(ClusterState state, String member, long term, long timeline) {
        long ceiling = TimelineCeiling.afterClaim(state, member, timeline);
        return state.withLeader(new LeaderRecord(member, term, timeline, FORK, ceiling));
    }

    private static ClusterState recorded(ClusterState state, long timeline) {
        LeaderRecord key = state.leader();
        return state.withHistory(new TimelineSwitch(timeline, FORK, "r", 0, key.member(), timeline - 1, key.term()));
    }

    /** The number PostgreSQL picks when promoting on {@code current} after reserving up to {@code reserved}. */
    private static long promotesTo(long current, long reserved) {
        return Math.max(current, reserved) + 1;
    }

    @Test
    void theFirstKeyPromotesNothingAndTheFirstFailoverTakesTimeline2() {
        ClusterState s = claim(initialized(), "n1", 1, 1);
        assertEquals(1, s.leader().timelineCeiling(), "the initializer's primary runs since initdb");
        s = claim(s, "n2", 2, 1);
        assertEquals(2, s.leader().timelineCeiling());
        assertEquals(1, TimelineCeiling.reserveUpTo(s, "n2"), "nothing above timeline 1 to reserve");
        assertEquals(2, promotesTo(1, TimelineCeiling.reserveUpTo(s, "n2")));
    }

    /**
     * Simulation seed 69: n3 claims on timeline 2 and promotes to 3 but is cut off before recording it;
     * n2, still on 2, claims next. It must reserve 3 and take 4.
     */
    @Test
    void aPromotionCutOffBeforeItsRecordIsReserved() {
        ClusterState s = recorded(claim(claim(initialized(), "n1", 1, 1), "n1", 3, 1), 2);
        s = claim(s, "n3", 4, 2);
        assertEquals(3, s.leader().timelineCeiling(), "n3 may have created timeline 3");
        s = claim(s, "n2", 5, 2);
        assertEquals(4, s.leader().timelineCeiling());
        assertEquals(3, TimelineCeiling.reserveUpTo(s, "n2"));
        assertEquals(4, promotesTo(2, TimelineCeiling.reserveUpTo(s, "n2")));
    }

    /**
     * Two cut-off promoters in a row: n3 created 3 from 2, n1 (which never saw 3) reserved 3 and created 4;
     * n2 on 2 claims next. The last key alone (n1's, on timeline 2) would suggest reserving 3 only, and n2
     * would take 4 again: the ceiling carries n3's number through n1's key.
     */
    @Test
    void everyEarlierCutOffPromotionStaysReserved() {
        ClusterState s = recorded(claim(initialized(), "n1", 1, 1), 2);
        s = claim(s, "n3", 4, 2);
        assertEquals(4, promotesTo(2, 3), "n3 created 3 (as seen before the fix, nothing reserved)");
        s = claim(s, "n1", 5, 2);
        long n1Takes = promotesTo(2, TimelineCeiling.reserveUpTo(s, "n1"));
        assertEquals(4, n1Takes);
        s = claim(s, "n2", 6, 2);
        long n2Takes = promotesTo(2, TimelineCeiling.reserveUpTo(s, "n2"));
        assertEquals(5, n2Takes, "above both cut-off numbers");
        assertEquals(5, s.leader().timelineCeiling());
    }

    /** A claimant already above the reserved numbers takes one above its own timeline, which its ceiling counts. */
    @Test
    void aClaimantAboveTheCeilingCountsItsOwnNextNumber() {
        ClusterState s = claim(claim(initialized(), "n1", 1, 1), "n2", 2, 1);
        s = claim(s, "n3", 3, 5);
        assertEquals(6, s.leader().timelineCeiling());
        assertEquals(5, TimelineCeiling.reserveUpTo(s, "n3"));
        assertEquals(6, promotesTo(5, TimelineCeiling.reserveUpTo(s, "n3")));
    }

    /**
     * The key holder claiming again (re-elected): when it never promoted under its first claim, that claim
     * already counted the one promotion it may still make; a writable primary re-elected on the newest
     * number costs one unused number, once, not one per re-election.
     */
    @Test
    void aReElectedHolderAddsAtMostOneNumber() {
        ClusterState s = recorded(claim(claim(initialized(), "n1", 1, 1), "n2", 2, 1), 2);
        s = claim(s, "n3", 3, 2);
        assertEquals(3, s.leader().timelineCeiling());
        s = claim(s, "n3", 4, 2);
        assertEquals(3, s.leader().timelineCeiling(), "n3, still a replica on 2, will create 3 at most");
        assertEquals(3, promotesTo(2, TimelineCeiling.reserveUpTo(s, "n3")));
        s = recorded(s, 3);
        s = claim(s, "n3", 5, 3);
        assertEquals(4, s.leader().timelineCeiling(), "on the newest number: it might still promote");
        s = claim(s, "n3", 6, 3);
        assertEquals(4, s.leader().timelineCeiling(), "a second re-election adds nothing");
    }

    @Test
    void withoutACeilingNothingIsReserved() {
        ClusterState s = ClusterState.empty("demo").withLeader(new LeaderRecord("n2", 5, 2, FORK));
        assertEquals(0, TimelineCeiling.reserveUpTo(s, "n2"));
        assertEquals(3, promotesTo(2, TimelineCeiling.reserveUpTo(s, "n2")), "seed 69's reused number");
        assertEquals(0, TimelineCeiling.reserveUpTo(ClusterState.empty("demo"), "n2"));
    }

    /** A member that does not hold the key (the executor refuses its promotion anyway) reserves the whole ceiling. */
    @Test
    void withoutTheKeyEverythingUpToTheCeilingIsReserved() {
        ClusterState s = claim(claim(initialized(), "n1", 1, 1), "n3", 2, 1);
        assertEquals(2, TimelineCeiling.reserveUpTo(s, "n2"));
        assertEquals(1, TimelineCeiling.reserveUpTo(s, "n3"));
    }

    /** A recorded timeline above the key's ceiling (recorded below level 9) is reserved too. */
    @Test
    void theLastRecordedTimelineCountsAsCreated() {
        ClusterState s = claim(initialized(), "n1", 1, 1);
        s = recorded(s.withLeader(new LeaderRecord("n2", 2, 1, FORK)), 4);
        s = claim(s, "n3", 3, 1);
        assertEquals(5, s.leader().timelineCeiling());
        assertEquals(4, TimelineCeiling.reserveUpTo(s, "n3"));
    }
}
