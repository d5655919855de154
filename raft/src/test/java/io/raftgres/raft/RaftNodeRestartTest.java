package io.raftgres.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;
import io.raftgres.statemachine.StateCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability: a member that missed purged entries catches up by snapshot installation, and a
 * restart of all members recovers the same state from snapshots plus the log after them.
 * Small snapshots and segments make Ratis snapshot and purge within a few hundred entries.
 */
@Tag("integration")
@Timeout(value = 45, unit = TimeUnit.SECONDS)
class RaftNodeRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final RatisWiring.Tuning SMALL = new RatisWiring.Tuning(40, 8 * 1024);

    @TempDir
    Path root;

    @Test
    void laggingMemberCatchesUpBySnapshotAndFullRestartRecoversTheSameState() throws Exception {
        try (LocalCluster cluster = new LocalCluster(root, 3, false, SMALL).start()) {
            RaftNode leader = cluster.awaitLeaderWithLease(WAIT);
            for (RaftNode node : cluster.nodes()) {
                submitAccepted(node, publish(node, 0));
            }
            submitAccepted(leader, new Command.ClaimLeader(leader.config().memberName(), leader.view().term(), 1, null));
            int lagging = (cluster.indexOf(leader) + 1) % 3;
            RaftNode writer = cluster.nodes().stream()
                    .filter(n -> n != leader && cluster.indexOf(n) != lagging).findFirst().orElseThrow();
            long laggingAt = cluster.node(lagging).appliedIndex();
            cluster.stopNode(lagging);

            // enough entries for several snapshots, each followed by a purge of closed segments
            for (int i = 1; i <= 150; i++) {
                submitAccepted(writer, publish(writer, i));
            }
            DynamicConfig config = new DynamicConfig(1500, 1, 2, true, false, Map.of("max_connections", "50"), 0);
            submitAccepted(leader, new Command.SetConfig(leader.config().memberName(), leader.view().term(), config, 0));
            ClusterState expected = leader.state();

            RaftNode caughtUp = cluster.restartNode(lagging);
            LocalCluster.awaitTrue(WAIT, "the lagging member to catch up", () -> caughtUp.state().equals(expected));
            assertTrue(caughtUp.loadedSnapshotIndex() > laggingAt + SMALL.snapshotThreshold(),
                    "caught up by installing the leader's snapshot (stopped at " + laggingAt + ", loaded "
                            + caughtUp.loadedSnapshotIndex() + ")");

            cluster.stop();
            for (int i = 1; i <= 3; i++) {
                try (Stream<Path> files = Files.walk(root.resolve("n" + i))) {
                    assertTrue(files.anyMatch(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+\\.md5")),
                            "n" + i + " holds a snapshot with its md5 file");
                }
            }
            cluster.start();
            cluster.awaitLeaderWithLease(WAIT);
            for (RaftNode node : cluster.nodes()) {
                assertTrue(node.loadedSnapshotIndex() > 0, node.config().memberName() + " loaded a snapshot");
                LocalCluster.awaitTrue(WAIT, "recovered state on " + node.config().memberName(),
                        () -> node.state().equals(expected));
                assertArrayEquals(StateCodec.encode(expected, 0, 0), StateCodec.encode(node.state(), 0, 0));
            }
        }
    }

    private static Command publish(RaftNode node, int version) {
        MemberRecord base = RaftNodeClusterTest.record(node);
        MemberRecord record = new MemberRecord(base.name(), base.apiUrl(), base.raftAddress(), base.pgHost(),
                base.pgPort(), base.role(), base.state(), base.timeline(), base.receiveLsn(), base.replayLsn(),
                base.streaming(), base.tags(), base.canBootstrap(), base.watchdogFailed(), base.version(), 0,
                base.updatedAtMillis() + version);
        return new Command.PublishMember(node.config().memberName(), node.view().term(), record);
    }

    private static void submitAccepted(RaftNode node, Command command) throws Exception {
        ApplyResult result = node.submit(command).get(5, TimeUnit.SECONDS);
        assertTrue(result.accepted(), () -> command + " rejected: " + result.rejection());
    }
}
