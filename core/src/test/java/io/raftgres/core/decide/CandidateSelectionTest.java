package io.raftgres.core.decide;

import io.raftgres.core.decide.HaAction.ClaimLeader;
import io.raftgres.core.decide.HaAction.TransferLeadership;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.PgRole;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.raftgres.core.decide.Fixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failover candidate rules (ARCHITECTURE §4), seen from the new Raft leader n2. */
class CandidateSelectionTest {

    private static final MemberTags NOFAILOVER = new MemberTags(true, 1, false, false, Map.of());
    private static final MemberTags PRIORITY_5 = new MemberTags(false, 5, false, false, Map.of());

    private static ClusterState oldLeader(io.raftgres.core.model.MemberRecord... others) {
        ClusterState state = cluster("n1", TERM - 1, member("n1", PgRole.PRIMARY, "running", 1, 5000, TERM - 1));
        for (var m : others) {
            state = state.withMember(m);
        }
        return state;
    }

    private static Decision decideOnN2(ClusterState state, long myLsn) {
        return decider("n2").decide(view(state, leaderWithLease("n2")), replica("n1", 1, myLsn, false), NOW);
    }

    @Test
    void handsOffToTheMemberWithTheHighestReceivedPosition() {
        Decision d = decideOnN2(oldLeader(replicaRecord("n2", 4000), replicaRecord("n3", 4500)), 4000);
        assertEquals(new TransferLeadership("n3"), d.actions().getFirst(), d.summary());
    }

    /**
     * n3 published the best position in this term, then its agent fell silent: it is skipped.
     * Fails (TransferLeadership to n3) with the silent check removed from CandidateSelector.
     */
    @Test
    void neverChoosesAMemberWhoseAgentWentSilent() {
        ClusterState state = oldLeader(replicaRecord("n2", 4000), replicaRecord("n3", 4500));
        Decision d = decider("n2").decide(new io.raftgres.core.model.ClusterView(state, leaderWithLease("n2"),
                java.util.Set.of("n3")), replica("n1", 1, 4000, false), NOW);
        assertTrue(d.actions().getFirst() instanceof ClaimLeader, d.summary());
    }

    @Test
    void doesNotPromoteAMemberTaggedNofailover() {
        Decision d = decideOnN2(oldLeader(replicaRecord("n2", 4000),
                member("n3", PgRole.REPLICA, "running", 1, 4500, TERM, NOFAILOVER)), 4000);
        assertTrue(d.actions().getFirst() instanceof ClaimLeader, d.summary());
    }

    @Test
    void breaksTiesByFailoverPriority() {
        Decision d = decideOnN2(oldLeader(replicaRecord("n2", 4500),
                member("n3", PgRole.REPLICA, "running", 1, 4500, TERM, PRIORITY_5)), 4500);
        assertEquals(new TransferLeadership("n3"), d.actions().getFirst(), d.summary());
    }

    @Test
    void prefersItselfOnAFullTie() {
        Decision d = decideOnN2(oldLeader(replicaRecord("n2", 4500), replicaRecord("n3", 4500)), 4500);
        assertTrue(d.actions().getFirst() instanceof ClaimLeader, d.summary());
    }

    @Test
    void doesNotPromoteALaggingReplica() {
        ClusterState state = withConfig(oldLeader(replicaRecord("n2", 1000), replicaRecord("n3", 1000)), 100, true);
        Decision d = decideOnN2(state, 1000);
        assertEquals(Reason.NO_CANDIDATE_READONLY, d.reason(), d.summary());
        assertTrue(d.summary().contains("lags 4000 bytes"), d.summary());
    }

    @Test
    void waitsForMembersToPublishInTheNewTermThenDecidesWithoutThem() {
        ClusterState state = oldLeader(replicaRecord("n2", 4000),
                member("n3", PgRole.REPLICA, "running", 1, 4500, TERM - 1));
        Decision early = decider("n2").decide(view(state, freshLeader("n2")), replica("n1", 1, 4000, false), NOW);
        assertEquals(Reason.WAITING_FOR_FRESH_STATE, early.reason(), early.summary());
        Decision late = decider("n2").decide(view(state, leaderWithLease("n2")), replica("n1", 1, 4000, false), NOW);
        assertTrue(late.actions().getFirst() instanceof ClaimLeader, late.summary());
    }

    @Test
    void doesNotWaitForThePreviousLeaderWhoseSilenceStartedTheCampaign() {
        // n1, the old primary, published nothing in the new term; n3 did
        ClusterState state = oldLeader(replicaRecord("n2", 4000), member("n3", PgRole.REPLICA, "running", 1, 3500, TERM));
        LocalPgState local = replica("n1", 1, 4000, false);
        Decision waits = decider("n2").decide(view(state, afterSilence("n3")), local, NOW);
        assertEquals(Reason.WAITING_FOR_FRESH_STATE, waits.reason(), "n1 is stale and not the silent leader: "
                + waits.summary());
        Decision goes = decider("n2").decide(view(state, afterSilence("n1")), local, NOW);
        // past the freshness stage: what is left is the takeover wait after the election
        assertEquals(Reason.TAKEOVER_WAIT, goes.reason(), goes.summary());
    }

    private static RaftView afterSilence(String silentLeader) {
        RaftView fresh = freshLeader("n2");
        return new RaftView(fresh.term(), fresh.role(), fresh.leaderId(), true, true, fresh.leaderSinceMillis(), true,
                silentLeader);
    }

    @Test
    void excludesAMemberWhoseWatchdogFailed() {
        var n3 = member("n3", PgRole.REPLICA, "running", 1, 4500, TERM);
        n3 = new io.raftgres.core.model.MemberRecord(n3.name(), n3.apiUrl(), n3.raftAddress(), n3.pgHost(), n3.pgPort(),
                n3.role(), n3.state(), n3.timeline(), n3.receiveLsn(), n3.replayLsn(), true, n3.tags(), true, true,
                "test", TERM, 0);
        Decision d = decideOnN2(oldLeader(replicaRecord("n2", 4000), n3), 4000);
        assertTrue(d.actions().getFirst() instanceof ClaimLeader, d.summary());
    }

    @Test
    void aStoppedFormerPrimaryOnTheLeadersTimelineIsACandidate() {
        ClusterState state = cluster("n1", TERM - 1, member("n1", PgRole.STOPPED, "stopped", 1, 6000, TERM),
                replicaRecord("n2", 5000), replicaRecord("n3", 5000));
        Decision d = decideOnN2(state, 5000);
        assertEquals(new TransferLeadership("n1"), d.actions().getFirst(), d.summary());
    }

    @Test
    void aMemberWithNofailoverNeverClaimsItself() {
        DeciderConfig cfg = new DeciderConfig("n2", true, NOFAILOVER, false, false, false, 1500, 1620);
        ClusterState state = oldLeader(replicaRecord("n3", 1000));
        Decision d = new HaDecider(cfg).decide(view(state, leaderWithLease("n2")), replica("n1", 1, 5000, false), NOW);
        assertEquals(new TransferLeadership("n3"), d.actions().getFirst(), d.summary());
    }

    @Test
    void reclonesADivergedMemberWhenRewindIsOffAndRemovalAllowed() {
        DeciderConfig cfg = new DeciderConfig("n1", true, MemberTags.DEFAULT, false, true, false, 1500, 1620);
        ClusterState state = withConfig(withHistory(cluster("n2", TERM, member("n2", PgRole.PRIMARY, "running", 2, 6000, TERM)),
                2, 5000, "n2"), 1 << 20, false);
        Decision d = new HaDecider(cfg).decide(view(state, follower("n2")), stopped(ControlState.IN_PRODUCTION, 1, 5100), NOW);
        assertEquals(Reason.RECLONE, d.reason(), d.summary());
    }

    @Test
    void staysStoppedAndSaysWhyWhenRewindIsOffAndRemovalNotAllowed() {
        ClusterState state = withConfig(withHistory(cluster("n2", TERM, member("n2", PgRole.PRIMARY, "running", 2, 6000, TERM)),
                2, 5000, "n2"), 1 << 20, false);
        Decision d = decider("n1").decide(view(state, follower("n2")), stopped(ControlState.IN_PRODUCTION, 1, 5100), NOW);
        assertEquals(Reason.DIVERGED_STUCK, d.reason());
        assertTrue(d.summary().contains("use_pg_rewind"), d.summary());
    }

    @Test
    void waitsForTheOldLeaseBeforeTakingTheLeaderKeyFromAnotherMember() {
        ClusterState state = oldLeader(replicaRecord("n2", 5000), replicaRecord("n3", 4000));
        var justElected = new io.raftgres.core.model.RaftView(TERM, io.raftgres.core.model.RaftRole.LEADER, "n2", true,
                true, NOW - 1600, true);
        Decision early = decider("n2").decide(view(state, justElected), replica("n1", 1, 5000, false), NOW);
        assertEquals(Reason.TAKEOVER_WAIT, early.reason(), early.summary());
        assertEquals(20, early.recheckInMillis());
        Decision late = decider("n2").decide(view(state, leaderWithLease("n2")), replica("n1", 1, 5000, false), NOW);
        assertTrue(late.actions().getFirst() instanceof ClaimLeader, late.summary());
    }

    /**
     * The wait may count from the proven last contact with the old leader instead of the election, with its own
     * (longer) delay, whichever ends first; without a proof ({@code takeoverFromMillis} = election) nothing changes.
     */
    @Test
    void countsTheTakeoverWaitFromAProvenLastContactWhenThatEndsFirst() {
        DeciderConfig cfg = new DeciderConfig("n2", false, MemberTags.DEFAULT, true, false, false, 1500, 2000, 3500, 3);
        ClusterState state = oldLeader(replicaRecord("n2", 5000), replicaRecord("n3", 4000));
        LocalPgState local = replica("n1", 1, 5000, false);
        var contactLongAgo = new io.raftgres.core.model.RaftView(TERM, io.raftgres.core.model.RaftRole.LEADER, "n2",
                true, true, NOW - 1600, true, null, NOW - 3600);
        Decision goes = new HaDecider(cfg).decide(view(state, contactLongAgo), local, NOW);
        assertTrue(goes.actions().getFirst() instanceof ClaimLeader, "3600 ms since the last contact: " + goes.summary());
        var contactRecent = new io.raftgres.core.model.RaftView(TERM, io.raftgres.core.model.RaftRole.LEADER, "n2",
                true, true, NOW - 1600, true, null, NOW - 3200);
        Decision waits = new HaDecider(cfg).decide(view(state, contactRecent), local, NOW);
        assertEquals(Reason.TAKEOVER_WAIT, waits.reason(), waits.summary());
        assertTrue(waits.summary().contains("waiting 300 ms"), waits.summary());
        var unproven = new io.raftgres.core.model.RaftView(TERM, io.raftgres.core.model.RaftRole.LEADER, "n2",
                true, true, NOW - 1600, true, null, NOW - 1600);
        Decision full = new HaDecider(cfg).decide(view(state, unproven), local, NOW);
        assertTrue(full.summary().contains("waiting 400 ms"), full.summary());
    }
}
