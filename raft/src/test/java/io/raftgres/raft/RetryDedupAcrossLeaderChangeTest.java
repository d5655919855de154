package io.raftgres.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.DynamicConfig;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;
import io.raftgres.statemachine.CommandCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.CallId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Ratis behaviour {@link CommandSubmitter}'s retries rely on to never apply a command twice: an
 * invocation (client id and call id) committed under one leader and sent again, with the same id,
 * to the next leader is answered from that leader's retry cache, not appended again. The command
 * is an unconditional config write, which raises the config version on every apply.
 *
 * <p>The control at the end shows the check can fail: the same command sent with a fresh call id,
 * as the submitter's former fallback from the in-process path to the client did (another client
 * id), is applied a second time and the version moves.
 */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetryDedupAcrossLeaderChangeTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path root;

    @Test
    void theSameInvocationSentToTheNextLeaderIsAnsweredFromItsRetryCache() throws Exception {
        try (LocalCluster cluster = new LocalCluster(root, 3, false, RatisWiring.Tuning.PRODUCTION).start()) {
            RaftNode first = cluster.awaitLeaderWithLease(WAIT);
            RaftNode next = cluster.followersOf(first).getFirst();
            RaftGroup group = RatisWiring.group(first.config(), Map.of());
            ClientId clientId = ClientId.randomId();
            Message write = Message.valueOf(ByteString.copyFrom(CommandCodec.encode(new Command.SetConfig(
                    next.config().memberName(), first.view().term(), DynamicConfig.DEFAULT, -1))));
            long callId = CallId.getAndIncrement();
            try (RaftClient client = RaftClient.newBuilder().setRaftGroup(group).setClientId(clientId)
                    .setProperties(RatisWiring.clientProperties()).build()) {
                RaftClientReply applied = send(client, group, clientId, first, callId, write);
                assertTrue(applied.isSuccess(), () -> "first attempt: " + applied.getException());
                long version = awaitVersionOnAll(cluster, applied.getLogIndex());

                next.transferLeadership(next.config().selfAddress(), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
                LocalCluster.awaitTrue(WAIT, "the next leader to hold its lease", () -> next.view().isLeaderWithLease());

                RaftClientReply retried = send(client, group, clientId, next, callId, write);
                assertTrue(retried.isSuccess(), () -> "retry: " + retried.getException());
                assertEquals(applied.getLogIndex(), retried.getLogIndex(), "the retry names the first entry");
                assertEquals(version, versionAfterNewEntry(next), "the retry was not applied again");

                RaftClientReply fresh = send(client, group, clientId, next, CallId.getAndIncrement(), write);
                assertTrue(fresh.isSuccess() && fresh.getLogIndex() > applied.getLogIndex());
                assertEquals(version + 1, versionAfterNewEntry(next), "control: a fresh id is applied again");
            }
        }
    }

    private static RaftClientReply send(RaftClient client, RaftGroup group, ClientId clientId, RaftNode to,
                                        long callId, Message message) throws Exception {
        return client.getClientRpc().sendRequest(RaftClientRequest.newBuilder()
                .setClientId(clientId).setServerId(RaftPeerId.valueOf(to.config().selfAddress()))
                .setGroupId(group.getGroupId()).setCallId(callId).setMessage(message)
                .setType(RaftClientRequest.writeRequestType()).build());
    }

    /** The config version once every replica applied up to {@code index} (they must agree). */
    private static long awaitVersionOnAll(LocalCluster cluster, long index) {
        LocalCluster.awaitTrue(WAIT, "every replica to apply index " + index,
                () -> cluster.nodes().stream().allMatch(n -> n.appliedIndex() >= index));
        long version = cluster.node(0).state().config().version();
        cluster.nodes().forEach(n -> assertEquals(version, n.state().config().version()));
        return version;
    }

    /** The config version in the state after a new entry, which is after any duplicate a retry appended. */
    private static long versionAfterNewEntry(RaftNode leader) throws Exception {
        ApplyResult r = RaftNodeClusterTest.publish(leader);
        assertTrue(r.accepted(), () -> "publish: " + r.rejection());
        return r.state().config().version();
    }
}
