package io.raftgres.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.PgRole;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;
import io.raftgres.statemachine.CommandCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Raft log's entry size limit, on three real Ratis servers with production tuning: the
 * shrunken write buffer and appender batch ({@link RatisWiring#LOG_ENTRY_MAX_BYTES}) still carry
 * a command of nearly that size to every member, and the leader refuses a bigger one with a
 * message naming the limit, changing nothing.
 *
 * <p>Shown to fail: with the appender limit set to half of {@code LOG_ENTRY_MAX_BYTES}, the
 * near-limit command was refused ("Log entry size 520718 exceeds the max buffer limit of
 * 262144" at the then 512 KiB test size); with Ratis' 4 MB default limit left in place, the
 * oversized command was accepted.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandSizeLimitTest {

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

    /** A member record whose version string pads its encoded command to about {@code bytes}. */
    private static Command.PublishMember padded(RaftNode node, int bytes) {
        String name = node.config().memberName();
        MemberRecord record = new MemberRecord(name, "http://127.0.0.1:8008", node.config().selfAddress(),
                "127.0.0.1", 5433, PgRole.REPLICA, "running", 1, Lsn.ZERO, Lsn.ZERO, true, MemberTags.DEFAULT,
                false, false, "x".repeat(bytes), 0, 1_700_000_000_000L);
        return new Command.PublishMember(name, node.view().term(), record);
    }

    @Test
    void aCommandJustBelowTheLimitReachesEveryMember() throws Exception {
        RaftNode leader = cluster.awaitLeaderWithLease(WAIT);
        RaftNode submitter = cluster.followersOf(leader).getFirst();
        Command.PublishMember big = padded(submitter, RatisWiring.LOG_ENTRY_MAX_BYTES - 8192);
        int size = CommandCodec.encode(big).length;
        assertTrue(size > RatisWiring.LOG_ENTRY_MAX_BYTES - 16384 && size < RatisWiring.LOG_ENTRY_MAX_BYTES - 1024,
                "the command is just below the limit: " + size);

        ApplyResult result = submitter.submit(big).get(10, TimeUnit.SECONDS);
        assertTrue(result.accepted(), () -> "rejected: " + result.rejection());
        String name = submitter.config().memberName();
        for (RaftNode node : cluster.nodes()) {
            LocalCluster.awaitTrue(WAIT, node.config().memberName() + " to apply the large record",
                    () -> node.state().member(name).map(m -> m.version().length()).orElse(0)
                            == big.record().version().length());
        }
        assertTrue(cluster.awaitLeaderWithLease(WAIT).view().isLeaderWithLease(), "replication still works");
    }

    @Test
    void aCommandAboveTheLimitIsRefusedAndChangesNothing() throws Exception {
        RaftNode leader = cluster.awaitLeaderWithLease(WAIT);
        String name = leader.config().memberName();
        Command.PublishMember tooBig = padded(leader, RatisWiring.LOG_ENTRY_MAX_BYTES + 1);
        int membersBefore = leader.state().members().size();
        String versionBefore = leader.state().member(name).map(MemberRecord::version).orElse(null);

        ApplyResult refused = leader.submit(tooBig).get(10, TimeUnit.SECONDS);
        assertFalse(refused.accepted());
        assertTrue(refused.rejection().contains("exceeds the max buffer limit of " + RatisWiring.LOG_ENTRY_MAX_BYTES),
                refused.rejection());
        assertFalse(refused.rejection().contains("xxxx"), "the refusal names the size, not the content");
        assertEquals(membersBefore, leader.state().members().size());
        assertEquals(versionBefore, leader.state().member(name).map(MemberRecord::version).orElse(null));
    }
}
