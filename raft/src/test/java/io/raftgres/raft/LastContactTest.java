package io.raftgres.raft;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new leader's proven last contact with the old one ({@link LastContact}), on three real Ratis servers over
 * loopback with the default timing.
 *
 * <p>Shown to fail on a deliberately broken build (2026-12-05): with {@link LastContact#before}'s scan for the key holder's
 * heartbeats removed, {@link #aHeartbeatOfTheKeyHolderAfterTheMarkProvesNothing} got the mark's time back although the
 * holder's heartbeats had arrived since.
 */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LastContactTest {

    @TempDir
    Path root;

    /** After the leader's server stopped, the new leader's takeover delay counts from about the moment it stopped. */
    @Test
    void aDeadLeadersSuccessorCountsItsTakeoverFromItsLastContact() throws Exception {
        try (LocalCluster cluster = new LocalCluster(root, 3, false, RatisWiring.Tuning.PRODUCTION).start()) {
            RaftNode old = cluster.awaitLeaderWithLease(Duration.ofSeconds(15));
            Thread.sleep(1000);
            List<RaftNode> survivors = cluster.nodes().stream().filter(n -> n != old).toList();
            long stoppedAtMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
            cluster.stopNode(cluster.indexOf(old));
            LocalCluster.awaitTrue(Duration.ofSeconds(20), "a new leader",
                    () -> survivors.stream().anyMatch(n -> n.view().role() == RaftRole.LEADER));
            RaftNode leader = survivors.stream().filter(n -> n.view().role() == RaftRole.LEADER).findFirst()
                    .orElseThrow();
            RaftView view = leader.view();
            // the old leader held the key (a raft-only cluster has none): its heartbeats are what the proof looks for
            OptionalLong contact = leader.lastContact().before(view.term(), old.config().memberName());
            assertTrue(contact.isPresent(), "no proven last contact with " + old.config().memberName());
            long contactMillis = TimeUnit.NANOSECONDS.toMillis(contact.getAsLong());
            long etMin = old.config().electionTimeoutMin().toNanos();
            long recent = old.config().electionTimeoutMax().multipliedBy(2).toNanos();
            assertTrue(leader.lastContact().silentLeader(System.nanoTime(), etMin, recent)
                    .filter(old.config().selfAddress()::equals).isPresent(), "the silent leader is the stopped one");
            long beforeElection = view.leaderSinceMillis() - contactMillis;
            long afterStop = contactMillis - stoppedAtMillis;
            System.out.printf("last-contact: takeover counted from %d ms before the election, %d ms after the stop%n",
                    beforeElection, afterStop);
            // the last heartbeat came within one heartbeat interval (250 ms) before the stop; the poll adds 20 ms
            assertTrue(afterStop <= 50 && afterStop >= -500, "takeover counted from " + afterStop
                    + " ms after the old leader stopped, not from the last contact before it");
            assertTrue(beforeElection >= 1500, "takeover counted from only " + beforeElection
                    + " ms before the election: the leader was silent for election_timeout_min before it");
        }
    }

    /**
     * A mark proves nothing once a lease heartbeat of the key's holder came after it; heartbeats of another member (a
     * leader that never held the key) do not matter.
     */
    @Test
    void aHeartbeatOfTheKeyHolderAfterTheMarkProvesNothing() throws Exception {
        try (LocalCluster cluster = new LocalCluster(root, 3, false, RatisWiring.Tuning.PRODUCTION).start()) {
            RaftNode leader = cluster.awaitLeaderWithLease(Duration.ofSeconds(15));
            String leaderName = leader.config().memberName();
            RaftNode follower = cluster.followersOf(leader).getFirst();
            RaftServer.Division division = follower.division();
            long term = division.getInfo().getCurrentTerm();
            LastContact contact = new LastContact("n-test", division);
            long marked;
            OptionalLong unchanged;
            synchronized (division) { // as the detector's poll: no append is accepted meanwhile
                marked = division.getRaftLog().getLastEntryTermIndex().getIndex();
                contact.mark(leaderName, term, System::nanoTime);
                unchanged = contact.before(term + 1, leaderName);
            }
            // the leader commits a lease heartbeat of its own every 250 ms: the follower's log grows by itself
            LocalCluster.awaitTrue(Duration.ofSeconds(5), "the follower's log to grow past the mark",
                    () -> division.getRaftLog().getLastEntryTermIndex().getIndex() > marked + 2);
            assertTrue(unchanged.isPresent(), "an unchanged log proves the mark's contact");
            assertFalse(contact.before(term + 1, leaderName).isPresent(), leaderName + "'s lease heartbeats of term "
                    + term + " arrived after the mark, yet the mark's contact was taken as proof");
            assertTrue(contact.before(term + 1, "n-nobody").isPresent(),
                    "no heartbeat of the key's holder came after the mark: the contact is proven");
            assertFalse(contact.before(term, leaderName).isPresent(), "a mark of the leader's own term proves nothing");
        }
    }
}
