package io.raftgres.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three real Ratis servers on loopback sharing one cluster for the whole class. */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RaftNodeClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private LocalCluster cluster;

    @BeforeAll
    void startCluster(@TempDir Path root) throws Exception {
        cluster = new LocalCluster(root, 3, false, RatisWiring.Tuning.PRODUCTION).start();
    }

    @AfterAll
    void stopCluster() throws Exception {
        cluster.close();
    }

    static MemberRecord record(RaftNode node) {
        String name = node.config().memberName();
        return new MemberRecord(name, "http://127.0.0.1:8008", node.config().selfAddress(), "127.0.0.1", 5433,
                PgRole.REPLICA, "running", 1, Lsn.parse("0/3000060"), Lsn.parse("0/3000060"), true,
                MemberTags.DEFAULT, false, false, "0.1.0", 0, 1_700_000_000_000L);
    }

    static ApplyResult publish(RaftNode node) throws Exception {
        long term = node.view().term();
        return node.submit(new Command.PublishMember(node.config().memberName(), term, record(node)))
                .get(5, TimeUnit.SECONDS);
    }

    @Test
    void publishedMembersBecomeVisibleOnAllThreeAndNameTheLeader() throws Exception {
        RaftNode leader = cluster.awaitLeaderWithLease(WAIT);
        CountDownLatch woken = new CountDownLatch(1);
        cluster.node(0).addListener(woken::countDown);
        for (RaftNode node : cluster.nodes()) {
            ApplyResult result = publish(node);
            assertTrue(result.accepted(), () -> "rejected: " + result.rejection());
            MemberRecord stored = result.state().member(node.config().memberName()).orElseThrow();
            assertEquals(node.config().selfAddress(), stored.raftAddress(), "read-your-writes on the submitter");
            assertTrue(stored.term() > 0, "the entry term is stamped into the record");
        }
        for (RaftNode node : cluster.nodes()) {
            LocalCluster.awaitTrue(WAIT, node.config().memberName() + " to see all members",
                    () -> node.state().members().keySet().containsAll(java.util.List.of("n1", "n2", "n3")));
            LocalCluster.awaitTrue(WAIT, "leader id mapped to a member name",
                    () -> leader.config().memberName().equals(node.view().leaderId()));
        }
        assertTrue(woken.await(5, TimeUnit.SECONDS), "listener ran after the state changed");
    }

    @Test
    void viewsTellLeaderAndFollowersApart() {
        RaftNode leader = cluster.awaitLeaderWithLease(WAIT);
        RaftView view = leader.view();
        assertEquals(RaftRole.LEADER, view.role());
        assertTrue(view.leaderReady() && view.leaseValid() && view.quorumReachable());
        assertTrue(view.leaderSinceMillis() >= 0);
        for (RaftNode follower : cluster.followersOf(leader)) {
            RaftView f = follower.view();
            assertEquals(RaftRole.FOLLOWER, f.role());
            assertEquals(view.term(), f.term());
            assertFalse(f.leaseValid() || f.leaderReady());
            assertEquals(-1, f.leaderSinceMillis());
            LocalCluster.awaitTrue(WAIT, "follower sees commits", () -> follower.view().quorumReachable());
        }
    }

    @Test
    void leaderOnlyCommandFromANonLeaderIsRefused() throws Exception {
        RaftNode leader = cluster.awaitLeaderWithLease(WAIT);
        RaftNode follower = cluster.followersOf(leader).getFirst();
        String name = follower.config().memberName();
        long term = follower.view().term();
        ApplyResult refused = follower.submit(new Command.ClaimLeader(name, term, 1, Lsn.ZERO)).get(5, TimeUnit.SECONDS);
        assertFalse(refused.accepted());
        assertTrue(refused.rejection().contains("refused by the Raft leader")
                && refused.rejection().contains("from " + name)
                && refused.rejection().contains("the Raft leader is " + leader.config().memberName()),
                refused.rejection());
        assertTrue(cluster.nodes().stream().allMatch(n -> n.state().leader() == null
                || !n.state().leader().member().equals(name)), "no replica stored the refused claim");

        ApplyResult claimed = leader.submit(new Command.ClaimLeader(leader.config().memberName(), term, 1, Lsn.ZERO))
                .get(5, TimeUnit.SECONDS);
        assertTrue(claimed.accepted(), () -> claimed.rejection());
        assertEquals(leader.config().memberName(), claimed.state().leader().member());
    }

    @Test
    void staleTermLeaderCommandIsRejectedAtApply() throws Exception {
        RaftNode leader = cluster.awaitLeaderWithLease(WAIT);
        long term = leader.view().term();
        ApplyResult stale = leader.submit(new Command.LeaseHeartbeat(leader.config().memberName(), term - 1))
                .get(5, TimeUnit.SECONDS);
        assertFalse(stale.accepted());
        assertTrue(stale.rejection().contains("appended in term " + term), stale.rejection());
    }

    @Test
    void transferLeadershipMovesLeadershipToTheNamedPeer()
            throws InterruptedException, ExecutionException, TimeoutException {
        RaftNode leader = cluster.awaitLeaderWithLease(WAIT);
        RaftNode target = cluster.followersOf(leader).getLast();
        long before = leader.view().term();
        target.transferLeadership(target.config().selfAddress(), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        LocalCluster.awaitTrue(WAIT, "target leads with a lease", () -> target.view().isLeaderWithLease());
        assertNotEquals(RaftRole.LEADER, leader.view().role());
        assertFalse(leader.lease().isValid());
        assertTrue(target.view().term() > before);

        var unknown = leader.transferLeadership("127.0.0.1:1", Duration.ofSeconds(1));
        var error = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> unknown.get(1, TimeUnit.SECONDS));
        assertTrue(error.getCause() instanceof IllegalArgumentException);
    }
}
