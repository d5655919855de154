package io.raftgres.raft;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.RaftRole;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety core: a leader cut off from both followers (every TCP path black-holed) must lose
 * its lease before any other member becomes leader.
 */
@Tag("integration")
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class LeaseIsolationTest {

    @TempDir
    Path root;

    @Test
    void isolatedLeaderLosesItsLeaseBeforeAnotherLeaderIsElected() throws Exception {
        try (LocalCluster cluster = new LocalCluster(root, 3, true, RatisWiring.Tuning.PRODUCTION).start()) {
            RaftNode old = cluster.awaitLeaderWithLease(Duration.ofSeconds(15));
            Thread.sleep(1000); // steady state: heartbeats flowing, followers' timers fresh
            assertTrue(old.lease().isValid());
            List<RaftNode> others = cluster.nodes().stream().filter(n -> n != old).toList();

            long cutAt = System.nanoTime();
            cluster.isolate(cluster.indexOf(old));
            long leaseLapsedAt = -1;
            long newLeaderAt = -1;
            boolean oldStillRatisLeader = false;
            long deadline = cutAt + TimeUnit.SECONDS.toNanos(15);
            while ((leaseLapsedAt < 0 || newLeaderAt < 0) && System.nanoTime() < deadline) {
                long now = System.nanoTime();
                if (leaseLapsedAt < 0 && !old.lease().isValid()) {
                    leaseLapsedAt = now;
                }
                if (newLeaderAt < 0 && others.stream().anyMatch(n -> n.view().role() == RaftRole.LEADER)) {
                    newLeaderAt = now;
                    oldStillRatisLeader = old.view().role() == RaftRole.LEADER;
                }
                Thread.sleep(2);
            }
            long lapseMs = TimeUnit.NANOSECONDS.toMillis(leaseLapsedAt - cutAt);
            long electMs = TimeUnit.NANOSECONDS.toMillis(newLeaderAt - cutAt);
            System.out.printf("lease-isolation: lease lapsed at +%d ms, new leader at +%d ms, "
                    + "old member still Ratis leader then: %s%n", lapseMs, electMs, oldStillRatisLeader);

            assertTrue(leaseLapsedAt > 0, "the isolated leader's lease never lapsed");
            assertTrue(newLeaderAt > 0, "the majority side never elected a leader");
            assertTrue(leaseLapsedAt < newLeaderAt, "lease lapsed at +" + lapseMs + " ms, after the new leader at +"
                    + electMs + " ms");
            assertTrue(lapseMs <= old.config().leaseDuration().toMillis() + 250,
                    "lease outlived L after the cut: +" + lapseMs + " ms");
            RaftNode next = others.stream().filter(n -> n.view().role() == RaftRole.LEADER).findFirst().orElseThrow();
            LocalCluster.awaitTrue(Duration.ofSeconds(5), "new leader's lease", () -> next.lease().isValid());
            assertTrue(!old.lease().isValid(), "old leader must not regain a lease while cut off");
        }
    }
}
