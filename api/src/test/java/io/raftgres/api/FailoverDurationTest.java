package io.raftgres.api;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.model.Switchover;
import io.raftgres.testkit.Exposition;
import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The last automatic failover's duration on the promoted member n2, with a hand-driven clock: it
 * runs from n2's Raft view losing n1 (a new election, or a later term) to n2's promotion, and is
 * not measured for a switchover, a manual failover or an agent that never saw the old primary.
 * Showed it can fail: with {@link RaftgresMetrics#promoted()} no longer calling
 * {@code FailoverDuration.promoted} the gauge stayed NaN and {@link #timesFromTheLossToThePromotion}
 * failed; with {@code FailoverDuration.observe} not starting on a later term with a leader,
 * {@link #aLaterTermEndsTheOldLeadershipToo} failed.
 */
class FailoverDurationTest {

    private static final ClusterState N1_PRIMARY = ClusterState.empty("demo")
            .withLeader(new LeaderRecord("n1", 3, 1, Lsn.ZERO));
    private static final RaftView FOLLOWING_N1 = view(3, RaftRole.FOLLOWER, "n1");

    private long now = 10_000;
    private final RaftgresMetrics metrics = new RaftgresMetrics("demo", "n2", () -> LiveReadings.NONE, () -> now);

    @Test
    void timesFromTheLossToThePromotion() {
        assertTrue(Double.isNaN(gauge()), "NaN before the first failover");
        metrics.observeCluster(FOLLOWING_N1, N1_PRIMARY);
        now += 5_000;
        metrics.observeCluster(view(4, RaftRole.CANDIDATE, null), N1_PRIMARY);   // the election starts: t0
        now += 300;
        metrics.observeCluster(view(4, RaftRole.LEADER, "n2"), N1_PRIMARY);       // repeats change nothing
        now += 1_600;
        metrics.observeCluster(view(4, RaftRole.LEADER, "n2"), claimedByN2());
        now += 250;
        metrics.promoted();
        assertEquals(2.15, gauge(), 1e-9);
        assertEquals(1, sample("raftgres_failovers_total"));
    }

    @Test
    void aLaterTermEndsTheOldLeadershipToo() {
        FailoverDuration d = new FailoverDuration("n2");
        d.observe(FOLLOWING_N1, N1_PRIMARY, 0);
        d.observe(view(5, RaftRole.FOLLOWER, "n3"), N1_PRIMARY, 1_000);         // n3 won; n2 follows it
        d.observe(view(6, RaftRole.LEADER, "n2"), claimedByN2(), 2_500);        // n3 handed leadership to n2
        assertEquals(OptionalLong.of(3_000), d.promoted(4_000));
        assertEquals(3.0, d.lastSeconds(), 1e-9);
    }

    @Test
    void aFailedPreVoteThatFindsTheLeaderAgainIsNoFailover() {
        FailoverDuration d = new FailoverDuration("n2");
        d.observe(FOLLOWING_N1, N1_PRIMARY, 0);
        d.observe(view(3, RaftRole.CANDIDATE, null), N1_PRIMARY, 100);
        d.observe(FOLLOWING_N1, N1_PRIMARY, 200);
        d.observe(view(4, RaftRole.CANDIDATE, null), N1_PRIMARY, 9_000);
        d.observe(view(4, RaftRole.LEADER, "n2"), claimedByN2(), 10_000);
        assertEquals(OptionalLong.of(2_000), d.promoted(11_000), "from the second loss, not the first");
    }

    @Test
    void theOldPrimaryReElectedIsNoLoss() {
        FailoverDuration d = new FailoverDuration("n2");
        d.observe(FOLLOWING_N1, N1_PRIMARY, 0);
        d.observe(view(4, RaftRole.FOLLOWER, "n1"), N1_PRIMARY, 100);           // n1 leads again, key still term 3
        ClusterState reclaimed = ClusterState.empty("demo").withLeader(new LeaderRecord("n1", 4, 1, Lsn.ZERO));
        d.observe(view(4, RaftRole.FOLLOWER, "n1"), reclaimed, 200);            // n1 re-claimed its key
        d.observe(view(5, RaftRole.CANDIDATE, null), reclaimed, 50_000);
        d.observe(view(5, RaftRole.LEADER, "n2"), claimedByN2(), 51_000);
        assertEquals(OptionalLong.of(1_500), d.promoted(51_500));
    }

    @Test
    void switchoversAndManualFailoversAreNotMeasured() {
        Switchover handedOver = Switchover.requested("n1", "n2", 0, 1).withHandover(
                new Switchover.Handover("n2", 3, null, 1, 2));
        Switchover manual = Switchover.requested(null, "n2", 0, 1);
        for (Switchover request : new Switchover[]{handedOver, manual}) {
            FailoverDuration d = new FailoverDuration("n2");
            d.observe(FOLLOWING_N1, N1_PRIMARY, 0);
            d.observe(view(4, RaftRole.LEADER, "n2"), N1_PRIMARY.withSwitchover(request), 100);
            d.observe(view(4, RaftRole.LEADER, "n2"), claimedByN2(), 200);      // the claim removes the request
            assertEquals(OptionalLong.empty(), d.promoted(300), request.toString());
            assertTrue(Double.isNaN(d.lastSeconds()));
        }
    }

    @Test
    void nothingIsMeasuredWithoutAPrimaryFollowedBefore() {
        FailoverDuration d = new FailoverDuration("n2");
        d.observe(view(7, RaftRole.CANDIDATE, null), N1_PRIMARY, 0);            // started during the outage
        d.observe(view(7, RaftRole.LEADER, "n2"), claimedByN2(), 2_000);
        assertEquals(OptionalLong.empty(), d.promoted(3_000));
        d.observe(FOLLOWING_N1, N1_PRIMARY, 4_000);
        d.observe(view(8, RaftRole.LEADER, "n2"), claimedByN2(), 5_000);        // the loss went unseen (coalesced)
        assertEquals(OptionalLong.empty(), d.promoted(6_000));
        assertTrue(Double.isNaN(d.lastSeconds()));
    }

    private static ClusterState claimedByN2() {
        return N1_PRIMARY.withLeader(new LeaderRecord("n2", 4, 1, Lsn.ZERO));
    }

    private static RaftView view(long term, RaftRole role, String leader) {
        boolean leading = role == RaftRole.LEADER;
        return new RaftView(term, role, leader, leading, leading, leading ? 0 : -1, true);
    }

    private double gauge() {
        return sample("raftgres_failover_last_duration_seconds");
    }

    private double sample(String name) {
        return Exposition.parse(metrics.scrape(Snapshots.primary().build())).value(name);
    }
}
