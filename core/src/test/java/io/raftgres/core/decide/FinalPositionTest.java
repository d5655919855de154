package io.raftgres.core.decide;

import io.raftgres.core.decide.HaAction.ClaimLeader;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.SyncMode;
import io.raftgres.core.model.SyncState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.raftgres.core.decide.Fixtures.NOW;
import static io.raftgres.core.decide.Fixtures.TERM;
import static io.raftgres.core.decide.Fixtures.cluster;
import static io.raftgres.core.decide.Fixtures.decider;
import static io.raftgres.core.decide.Fixtures.leaderWithLease;
import static io.raftgres.core.decide.Fixtures.member;
import static io.raftgres.core.decide.Fixtures.replica;
import static io.raftgres.core.decide.Fixtures.replicaRecord;
import static io.raftgres.core.decide.Fixtures.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Quorum mode, published voters {n2, n3} with quorum 1, n1's agent gone (its PostgreSQL may live on
 * as an orphan that, without the lease gate, acknowledges what either replica confirms). The new Raft
 * leader n2 counts n3's position only once no later confirmation to n1 can pass it (feature level 10).
 *
 * <p>Shown failing on a broken build: with {@code positionFinal} ignored in
 * {@code CandidateSelector.freshPositions}, {@link #aReplicaStillStreamingFromTheFormerPrimaryIsNotCounted}
 * and {@link #aReplicaStartingIsNotCounted} failed (n2 claimed the key on n3's position while n3 could
 * still confirm n1's later commits).
 */
class FinalPositionTest {

    private static ClusterState quorum(int level, MemberRecord n3) {
        ClusterState state = cluster("n1", TERM - 1, member("n1", PgRole.PRIMARY, "running", 1, 5000, TERM - 1),
                replicaRecord("n2", 4000), n3)
                .withSync(new SyncState("n1", TERM - 1, SyncMode.QUORUM, List.of("n2", "n3"), 1));
        return state.withFeatureLevel(level);
    }

    private static Decision decideOnN2(ClusterState state) {
        return decider("n2").decide(view(state, leaderWithLease("n2")), replica("n1", 1, 4000, false), NOW);
    }

    @Test
    void aReplicaStillStreamingFromTheFormerPrimaryIsNotCounted() {
        Decision d = decideOnN2(quorum(FeatureLevel.FINAL_POSITIONS, replicaRecord("n3", 4000).withUpstream("n1")));
        assertEquals(Reason.NO_CANDIDATE_READONLY, d.reason(), d.summary());
        assertTrue(d.summary().contains("only 1 of the voters [n2, n3] reported a final position"), d.summary());
    }

    @Test
    void aDetachedReplicaIsCounted() {
        MemberRecord detached = member("n3", PgRole.REPLICA, "running", 1, 4000, TERM);
        detached = new MemberRecord(detached.name(), detached.apiUrl(), detached.raftAddress(), detached.pgHost(),
                detached.pgPort(), detached.role(), detached.state(), detached.timeline(), detached.receiveLsn(),
                detached.replayLsn(), false, detached.tags(), detached.canBootstrap(), detached.watchdogFailed(),
                detached.version(), detached.term(), detached.updatedAtMillis(), FeatureLevel.LATEST);
        Decision d = decideOnN2(quorum(FeatureLevel.FINAL_POSITIONS, detached));
        assertTrue(d.actions().getFirst() instanceof ClaimLeader, d.summary());
    }

    @Test
    void aStoppedReplicaIsCounted() {
        MemberRecord stopped = member("n3", PgRole.STOPPED, "stopped", 1, 4000, TERM).withUpstream("n1");
        assertTrue(decideOnN2(quorum(FeatureLevel.FINAL_POSITIONS, stopped)).actions().getFirst() instanceof ClaimLeader);
    }

    @Test
    void aReplicaStartingIsNotCounted() {
        MemberRecord starting = member("n3", PgRole.STOPPED, "starting", 1, 4000, TERM).withUpstream("n1");
        assertEquals(Reason.NO_CANDIDATE_READONLY, decideOnN2(quorum(FeatureLevel.FINAL_POSITIONS, starting)).reason());
    }

    /** A postmaster that did not answer the probe is published as "unknown": it may still stream. */
    @Test
    void aMemberWhosePostmasterDidNotAnswerIsNotCounted() {
        MemberRecord unknown = member("n3", PgRole.STOPPED, "unknown", 1, 4000, TERM).withUpstream("n1");
        assertEquals(Reason.NO_CANDIDATE_READONLY, decideOnN2(quorum(FeatureLevel.FINAL_POSITIONS, unknown)).reason());
    }

    /** No upstream configured, but the probe still saw a WAL receiver process (a detach that did not finish). */
    @Test
    void aReplicaWhoseReceiverStillRunsIsNotCounted() {
        Decision d = decideOnN2(quorum(FeatureLevel.FINAL_POSITIONS, replicaRecord("n3", 4000)));
        assertEquals(Reason.NO_CANDIDATE_READONLY, d.reason(), d.summary());
    }

    /** Below level 10 a member's build may not publish its upstream or detach: the earlier rule applies. */
    @Test
    void belowLevel10ThePublishedPositionCounts() {
        Decision d = decideOnN2(quorum(FeatureLevel.TIMELINE_RESERVATION, replicaRecord("n3", 4000).withUpstream("n1")));
        assertTrue(d.actions().getFirst() instanceof ClaimLeader, d.summary());
    }
}
