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
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.TransferLeadershipRequest;
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
 * meanwhile, a Netty {@link RaftClient} bound to the leader this server follows sends it
 * ({@link LeaderClients} says why the client is bound and short-lived). Every
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

    /** Pause before looking again for the leader to send to. */
    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

    private final RaftServer server;
    private final RaftGroupId groupId;
    private final RaftPeerId selfId;
    private final BooleanSupplier localIsLeader;
    private final LeaderClients clients;
    private final Supplier<RaftPeerId> followedLeader;
    private final RatisStateMachine stateMachine;
    private final ChangeNotifier completer;
    private final LongSupplier nanoTime;
    private final Runnable onCommitted;
    private final ClientId localClientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final ExecutorService blocking =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("raftgres-raft-client-", 0).factory());

    CommandSubmitter(RaftServer server, RaftGroupId groupId, RaftPeerId selfId, BooleanSupplier localIsLeader,
                     LeaderClients clients, Supplier<RaftPeerId> followedLeader, RatisStateMachine stateMachine,
                     ChangeNotifier completer, LongSupplier nanoTime, Runnable onCommitted) {
        this.server = server;
        this.groupId = groupId;
        this.selfId = selfId;
        this.localIsLeader = localIsLeader;
        this.clients = clients;
        this.followedLeader = followedLeader;
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

    /**
     * Asks the leader to hand leadership to {@code target}: in-process when this server leads
     * (the agent's case), else through the client bound to the leader it follows. Never through
     * a client's own leader guess, which after a failover is the lost member (see
     * {@link LeaderClients}).
     */
    CompletableFuture<Void> transferLeadership(RaftPeerId target, Duration timeout) {
        CompletableFuture<RaftClientReply> reply = localIsLeader.getAsBoolean()
                ? transferLocally(target, timeout)
                : CompletableFuture.supplyAsync(() -> transferThroughLeader(target, timeout), blocking);
        return reply.handle((r, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                throw new SubmitException("leadership transfer to " + target + " failed: " + cause.getMessage(), cause);
            }
            if (!r.isSuccess()) {
                throw new SubmitException("leadership transfer to " + target + " failed: " + r.getException());
            }
            return (Void) null;
        }).whenCompleteAsync((r, error) -> { }, completer);
    }

    private CompletableFuture<RaftClientReply> transferLocally(RaftPeerId target, Duration timeout) {
        try {
            return server.transferLeadershipAsync(new TransferLeadershipRequest(localClientId, selfId, groupId,
                    callIds.incrementAndGet(), target, timeout.toMillis()));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private RaftClientReply transferThroughLeader(RaftPeerId target, Duration timeout) {
        RaftPeerId leader = followedLeader.get();
        if (leader == null) {
            throw new SubmitException("no Raft leader is known");
        }
        RaftClient client = null;
        try {
            client = clients.forLeader(leader);
            return client.admin().transferLeadership(target, timeout.toMillis());
        } catch (IOException e) {
            if (client != null) {
                clients.discard(client);
            }
            throw new CompletionException(e);
        }
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
        return CompletableFuture.supplyAsync(() -> sendToFollowedLeader(message, deadline), blocking);
    }

    /**
     * Sends through the client bound to the leader this server follows; waits (until the deadline)
     * while no leader is known rather than guessing one. A client that failed is discarded. Only a
     * failed connect, which proves nothing was sent, is tried again here.
     */
    private RaftClientReply sendToFollowedLeader(Message message, long deadline) {
        while (true) {
            if (nanoTime.getAsLong() - deadline >= 0) {
                throw new SubmitException("no time left to reach the Raft leader");
            }
            RaftPeerId leader = followedLeader.get();
            if (leader == null || leader.equals(selfId)) {
                pause();
                continue;
            }
            RaftClient client = null;
            try {
                client = clients.forLeader(leader);
                LOG.debug("sending to the Raft leader {}", leader);
                RaftClientReply r = client.io().send(message);
                LOG.debug("the Raft leader {} answered: success={} {}", leader, r.isSuccess(),
                        r.isSuccess() ? "" : String.valueOf(r.getException()));
                return r;
            } catch (StateMachineException e) {
                throw new CompletionException(e);
            } catch (IOException e) {
                if (client != null) {
                    clients.discard(client);
                }
                if (!neverSent(e)) {
                    LOG.debug("sending to the Raft leader {} failed: {}", leader, e.toString());
                    throw new SubmitException("could not reach the Raft leader " + leader + ": " + e.getMessage(), e);
                }
                LOG.debug("could not connect to the Raft leader {} ({}); trying again", leader, e.toString());
                pause();
            }
        }
    }

    /** A refused or failed connect: the request never left this member. */
    private static boolean neverSent(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubmitException("interrupted while waiting for a Raft leader");
        }
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
        clients.close();
        blocking.shutdownNow();
    }
}
