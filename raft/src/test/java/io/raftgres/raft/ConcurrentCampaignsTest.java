package io.raftgres.raft;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.RaftRole;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both survivors of a cut-off leader campaign in the same instant, as the two survivors of a killed primary
 * did 19 ms apart in a container run (2.4 s lost there). Each one's vote round waits for the silent leader's
 * reply, and each one answers the other's vote request only once its own round ended; so a new leader follows
 * only when the rounds give up on the silent peer ({@code RatisWiring}'s peer request timeout) and a member
 * that then knows no leader campaigns again ({@code SilenceRule.leaderlessThresholdMillis}).
 *
 * <p>On three real Ratis servers over loopback, with the old leader black-holed (connections open, nothing
 * delivered), the forced campaigns start about 2 s before either survivor's detector would notice the
 * silence. The detectors' draws are fixed (0.1 and 0.9), so their leaderless thresholds differ by 100 ms and
 * the retry cannot split again. With both fixes the new leader came 1,454-1,497 ms after the campaigns (three
 * runs).
 *
 * <p>Shown to fail on deliberately broken builds (2026-12-05, two runs each): with neither fix (Ratis' default
 * 3 s peer request timeout, no leaderless threshold) 2,396 and 2,490 ms; with the 500 ms peer timeout but no
 * leaderless threshold 2,589 and 2,767 ms (each round ended after 500 ms and Ratis' timer then slept a whole
 * election timeout); with the leaderless threshold but the default peer timeout 2,341 and 2,373 ms (the
 * candidates waited for the silent peer for a whole election timeout).
 */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrentCampaignsTest {

    @TempDir
    Path root;

    @Test
    void twoSurvivorsCampaigningAtOnceElectALeaderWithinTheMinimumElectionTimeout() throws Exception {
        try (LocalCluster cluster = new LocalCluster(root, 3, true, RatisWiring.Tuning.PRODUCTION)
                .withDetectorUnits(0.1, 0.9, 0.5).start()) {
            RaftNode old = cluster.awaitLeaderWithLease(Duration.ofSeconds(15));
            Thread.sleep(1000); // steady state: both followers heard the leader within the last heartbeat
            List<RaftNode> survivors = cluster.nodes().stream().filter(n -> n != old).toList();
            cluster.isolate(cluster.indexOf(old));
            Thread.sleep(100);

            long startedAt = campaignAtOnce(survivors);
            LocalCluster.awaitTrue(Duration.ofSeconds(20), "a new leader",
                    () -> survivors.stream().anyMatch(n -> n.view().role() == RaftRole.LEADER));
            long electedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
            System.out.printf("concurrent-campaigns: new leader %d ms after both survivors campaigned at once%n",
                    electedMs);
            long limit = survivors.getFirst().config().electionTimeoutMin().toMillis();
            assertTrue(electedMs < limit, "new leader " + electedMs + " ms after the concurrent campaigns, not within"
                    + " election_timeout_min (" + limit + " ms)");
        }
    }

    /**
     * Starts an election on every node at the same instant. It skips the pre-vote, unlike the detector: two
     * pre-votes started together often resolve in one round (the first to arrive is granted by a member still
     * campaigning), and the test needs the split the container run saw, which pre-votes crossing in flight cause.
     */
    private static long campaignAtOnce(List<RaftNode> nodes) throws Exception {
        CountDownLatch ready = new CountDownLatch(nodes.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new java.util.ArrayList<>();
        for (RaftNode node : nodes) {
            RaftServer.Division division = node.division();
            Method changeToCandidate = division.getClass().getDeclaredMethod("changeToCandidate", boolean.class);
            changeToCandidate.setAccessible(true);
            threads.add(Thread.ofPlatform().start(() -> {
                // each thread takes its own division's monitor, as Ratis' follower timer does
                ready.countDown();
                try {
                    go.await();
                    synchronized (division) {
                        if (division.getInfo().isFollower()) {
                            changeToCandidate.invoke(division, true); // straight to the vote: a sure split
                        }
                    }
                } catch (ReflectiveOperationException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        ready.await();
        long startedAt = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        return startedAt;
    }
}
