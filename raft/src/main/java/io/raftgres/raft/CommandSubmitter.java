package io.raftgres.raft;

import io.raftgres.core.model.ClusterState;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;
import io.raftgres.statemachine.CommandCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets commands into the Raft log. When the local server is leader the request goes to it
 * in-process ({@code submitClientRequestAsync}); otherwise, or when it stopped being leader
 * meanwhile, a Netty {@link RaftClient} sends it to the leader with bounded retries. Every
 * submission ends within about {@link #TOTAL_TIMEOUT}: with an {@link ApplyResult} (accepted,
 * rejected at apply, or refused by the leader before append) or a {@link SubmitException}.
 *
 * <p>Thread-safe. Nothing here blocks a caller or a Ratis thread: blocking client calls run on
 * virtual threads, and returned futures complete on the node's notifier thread.
 */
final class CommandSubmitter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CommandSubmitter.class);

    /** Upper bound on the time from {@link #submit} to its outcome. */
    static final Duration TOTAL_TIMEOUT = Duration.ofMillis(3000);

    private final RaftServer server;
    private final RaftGroupId groupId;
    private final RaftPeerId selfId;
    private final BooleanSupplier localIsLeader;
    private final RaftClient client;
    private final RatisStateMachine stateMachine;
    private final ChangeNotifier completer;
    private final LongSupplier nanoTime;
    private final Runnable onCommitted;
    private final ClientId localClientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final ExecutorService blocking =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("raftgres-raft-client-", 0).factory());

    CommandSubmitter(RaftServer server, RaftGroupId groupId, RaftPeerId selfId, BooleanSupplier localIsLeader,
                     RaftClient client, RatisStateMachine stateMachine, ChangeNotifier completer,
                     LongSupplier nanoTime, Runnable onCommitted) {
        this.server = server;
        this.groupId = groupId;
        this.selfId = selfId;
        this.localIsLeader = localIsLeader;
        this.client = client;
        this.stateMachine = stateMachine;
        this.completer = completer;
        this.nanoTime = nanoTime;
        this.onCommitted = onCommitted;
    }

    CompletableFuture<ApplyResult> submit(Command command) {
        Message message = Message.valueOf(ByteString.copyFrom(CommandCodec.encode(command)));
        long deadline = nanoTime.getAsLong() + TOTAL_TIMEOUT.toNanos();
        String what = command.getClass().getSimpleName() + " from " + command.member();
        CompletableFuture<RaftClientReply> reply = localIsLeader.getAsBoolean()
                ? submitLocal(message).handle((r, error) -> {
                    if (error != null) {
                        LOG.debug("local submission of {} failed ({}); trying through the client", what, error.toString());
                    }
                    return r;
                }).thenCompose(r -> r == null || isRedirect(r) ? sendRemote(message, deadline) : done(r))
                : sendRemote(message, deadline);
        return reply.orTimeout(remainingMillis(deadline), TimeUnit.MILLISECONDS)
                .handle((r, error) -> error == null ? toResult(what, r, deadline) : failed(what, error))
                .thenCompose(f -> f)
                .whenCompleteAsync((r, error) -> { }, completer);
    }

    /** Commits a lease heartbeat through the local server only; true when committed and accepted. */
    CompletableFuture<Boolean> commitLocally(Command heartbeat) {
        Message message = Message.valueOf(ByteString.copyFrom(CommandCodec.encode(heartbeat)));
        return submitLocal(message).thenApply(r -> r.isSuccess() && decode(r).accepted());
    }

    CompletableFuture<Void> transferLeadership(RaftPeerId target, Duration timeout) {
        return CompletableFuture.runAsync(() -> {
            try {
                RaftClientReply r = client.admin().transferLeadership(target, timeout.toMillis());
                if (!r.isSuccess()) {
                    throw new SubmitException("leadership transfer to " + target + " failed: " + r.getException());
                }
            } catch (IOException e) {
                throw new SubmitException("leadership transfer to " + target + " failed: " + e.getMessage(), e);
            }
        }, blocking).whenCompleteAsync((r, error) -> { }, completer);
    }

    CompletableFuture<Long> takeSnapshot(Duration timeout) {
        SnapshotManagementRequest request = SnapshotManagementRequest.newCreate(localClientId, selfId, groupId,
                callIds.incrementAndGet(), timeout.toMillis(), 1);
        return server.snapshotManagementAsync(request).thenApply(r -> {
            if (!r.isSuccess()) {
                throw new SubmitException("snapshot failed: " + r.getException());
            }
            return r.getLogIndex();
        }).whenCompleteAsync((r, error) -> { }, completer);
    }

    private CompletableFuture<RaftClientReply> submitLocal(Message message) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(localClientId).setServerId(selfId).setGroupId(groupId)
                .setCallId(callIds.incrementAndGet()).setMessage(message)
                .setType(RaftClientRequest.writeRequestType()).build();
        try {
            return server.submitClientRequestAsync(request);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<RaftClientReply> sendRemote(Message message, long deadline) {
        return CompletableFuture.supplyAsync(() -> {
            if (nanoTime.getAsLong() - deadline >= 0) {
                throw new SubmitException("no time left to reach the Raft leader");
            }
            try {
                return client.io().send(message);
            } catch (StateMachineException e) {
                throw new CompletionException(e);
            } catch (IOException e) {
                throw new SubmitException("could not reach the Raft leader: " + e.getMessage(), e);
            }
        }, blocking);
    }

    private static boolean isRedirect(RaftClientReply r) {
        return r.getNotLeaderException() != null || r.getLeaderNotReadyException() != null;
    }

    private CompletableFuture<ApplyResult> toResult(String what, RaftClientReply r, long deadline) {
        if (r.getStateMachineException() != null) {
            return done(refused(r.getStateMachineException()));
        }
        if (!r.isSuccess()) {
            return CompletableFuture.failedFuture(new SubmitException(what + " was not committed: " + r.getException(),
                    r.getException()));
        }
        ReplyCodec.Outcome outcome = decode(r);
        onCommitted.run();
        // read-your-writes: answer with this replica's state once it has applied the entry
        long waitMillis = Math.max(200, remainingMillis(deadline));
        return stateMachine.stateAtOrAfter(r.getLogIndex())
                .completeOnTimeout(null, waitMillis, TimeUnit.MILLISECONDS)
                .thenApply(state -> new ApplyResult(state == null ? stateMachine.state() : state,
                        outcome.accepted(), outcome.rejection()));
    }

    private CompletableFuture<ApplyResult> failed(String what, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof StateMachineException refusal) {
            return done(refused(refusal));
        }
        if (cause instanceof SubmitException) {
            return CompletableFuture.failedFuture(cause);
        }
        if (cause instanceof TimeoutException) {
            return CompletableFuture.failedFuture(new SubmitException(what + " not committed within "
                    + TOTAL_TIMEOUT.toMillis() + " ms"));
        }
        return CompletableFuture.failedFuture(new SubmitException(what + " failed: " + cause, cause));
    }

    private ApplyResult refused(StateMachineException e) {
        String message = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                : e.getMessage();
        ClusterState current = stateMachine.state();
        return new ApplyResult(current, false, "refused by the Raft leader: " + message);
    }

    private static ReplyCodec.Outcome decode(RaftClientReply r) {
        return ReplyCodec.decode(r.getMessage().getContent().toByteArray());
    }

    private long remainingMillis(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - nanoTime.getAsLong()));
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    @Override
    public void close() {
        blocking.shutdownNow();
    }
}
