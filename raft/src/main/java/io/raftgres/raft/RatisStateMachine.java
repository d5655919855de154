package io.raftgres.raft;

import io.raftgres.core.model.ClusterState;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.ClusterStateMachine;
import io.raftgres.statemachine.Command;
import io.raftgres.statemachine.CommandCodec;
import io.raftgres.statemachine.StateCodec;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.AtomicFileOutputStream;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.apache.ratis.io.MD5Hash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts {@link ClusterStateMachine} to Ratis. Committed entries are decoded with
 * {@link CommandCodec} and applied with the log entry's term; the reply carries the
 * {@link ApplyResult} as small JSON ({@link ReplyCodec}). Snapshots are {@link StateCodec}
 * files with an md5 side file in Ratis' {@link SimpleStateMachineStorage}; the latest one is
 * loaded at start and after a snapshot was installed from the leader.
 *
 * <p>Apply is total: an undecodable entry or an unexpected exception becomes a deterministic
 * rejection, never an exception (Ratis would shut the server down). The LifeCycle is driven
 * explicitly (start in {@link #initialize}, PAUSING→PAUSED in {@link #pause}, STARTING→RUNNING
 * in {@link #reinitialize}), or Ratis closes the server on the first snapshot installation.
 *
 * <p>Threading: Ratis applies entries serially on its updater thread and calls the event
 * methods under its own locks; {@link Events} implementations must only hand work to another
 * thread. {@link #state()} is a volatile read, safe from any thread.
 */
final class RatisStateMachine extends BaseStateMachine {

    /** Hooks to the owning node; called on Ratis threads, so they must return at once. */
    interface Events {
        void applied(long term, long index, boolean stateChanged);

        void leadershipChanged();
    }

    private static final Logger LOG = LoggerFactory.getLogger(RatisStateMachine.class);

    private final String localMember;
    private final String scope;
    private final Events events;
    private final Executor completer;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final Object lock = new Object();
    /** Futures waiting for the state at or after an index, completed on {@code completer}. */
    private final TreeMap<Long, List<CompletableFuture<ClusterState>>> waiters = new TreeMap<>();
    private volatile ClusterState state;
    private volatile TermIndex loadedSnapshot;

    RatisStateMachine(String localMember, String scope, Events events, Executor completer) {
        this.localMember = localMember;
        this.scope = scope;
        this.events = events;
        this.completer = completer;
        this.state = ClusterState.empty(scope);
    }

    ClusterState state() {
        return state;
    }

    /** The snapshot position loaded by the last (re)initialization, or null if none. */
    TermIndex loadedSnapshot() {
        return loadedSnapshot;
    }

    /** Completes with this replica's state once it has applied {@code index} (never on a Ratis thread). */
    CompletableFuture<ClusterState> stateAtOrAfter(long index) {
        CompletableFuture<ClusterState> future = new CompletableFuture<>();
        synchronized (lock) {
            TermIndex applied = getLastAppliedTermIndex();
            if (applied == null || applied.getIndex() < index) {
                waiters.computeIfAbsent(index, i -> new ArrayList<>()).add(future);
                return future;
            }
        }
        completer.execute(() -> future.complete(state));
        return future;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            loadLatestSnapshot();
        });
    }

    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    @Override
    public void reinitialize() throws IOException {
        loadLatestSnapshot();
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
        TermIndex loaded = loadedSnapshot;
        if (loaded != null) {
            events.applied(loaded.getTerm(), loaded.getIndex(), true);
        }
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    /** Leader side, before append: refuses leader-only commands not issued by this member. */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        TransactionContext trx = super.startTransaction(request);
        try {
            Command command = CommandCodec.decode(request.getMessage().getContent().toByteArray());
            if (command.leaderOnly() && !localMember.equals(command.member())) {
                trx.setException(new IllegalStateException("leader-only command "
                        + command.getClass().getSimpleName() + " from " + command.member()
                        + " refused: the Raft leader is " + localMember));
            }
        } catch (IllegalArgumentException e) {
            trx.setException(new IllegalArgumentException("undecodable command refused: " + e.getMessage(), e));
        }
        return trx;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long term = entry.getTerm();
        long index = entry.getIndex();
        boolean changed;
        ApplyResult result;
        synchronized (lock) {
            ClusterState before = state;
            result = applyBytes(before, entry.getStateMachineLogEntry().getLogData().toByteArray(), term, index);
            state = result.state();
            changed = result.state() != before && !result.state().equals(before);
            updateLastAppliedTermIndex(term, index);
            releaseWaiters(index);
        }
        events.applied(term, index, changed);
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(ReplyCodec.encode(result))));
    }

    private ApplyResult applyBytes(ClusterState before, byte[] data, long term, long index) {
        Command command;
        try {
            command = CommandCodec.decode(data);
            if (LOG.isDebugEnabled() && !(command instanceof Command.LeaseHeartbeat)) {
                LOG.debug("applying {} from {} at {}:{}", command.getClass().getSimpleName(), command.member(), term, index);
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("entry {} is not a command this build can read; rejected: {}", index, e.getMessage());
            return new ApplyResult(before, false, "undecodable command at index " + index + ": " + e.getMessage());
        }
        try {
            return ClusterStateMachine.apply(before, command, term);
        } catch (RuntimeException e) {
            // a bug in apply: every replica hits it identically, so rejecting keeps replicas equal
            LOG.error("applying {} at index {} threw; rejected", command, index, e);
            return new ApplyResult(before, false, "internal error applying " + command.getClass().getSimpleName()
                    + ": " + e);
        }
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        synchronized (lock) {
            super.notifyTermIndexUpdated(term, index);
            releaseWaiters(index);
        }
    }

    @Override
    public long takeSnapshot() throws IOException {
        ClusterState snapshot;
        TermIndex at;
        synchronized (lock) {
            snapshot = state;
            at = getLastAppliedTermIndex();
        }
        if (at == null || at.getIndex() < 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        File file = storage.getSnapshotFile(at.getTerm(), at.getIndex());
        try (AtomicFileOutputStream out = new AtomicFileOutputStream(file)) {
            out.write(StateCodec.encode(snapshot, at.getTerm(), at.getIndex()));
        }
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), at));
        LOG.info("snapshot taken at {} ({} members)", at, snapshot.members().size());
        return at.getIndex();
    }

    private void loadLatestSnapshot() throws IOException {
        SingleFileSnapshotInfo info = storage.loadLatestSnapshot();
        if (info == null) {
            return;
        }
        File file = info.getFile().getPath().toFile();
        if (info.getFile().getFileDigest() != null) {
            MD5FileUtil.verifySavedMD5(file, info.getFile().getFileDigest());
        }
        StateCodec.Snapshot snapshot;
        try {
            snapshot = StateCodec.decode(Files.readAllBytes(file.toPath()));
        } catch (IllegalArgumentException e) {
            throw new IOException("snapshot " + file + " is unreadable: " + e.getMessage(), e);
        }
        if (snapshot.term() != info.getTerm() || snapshot.index() != info.getIndex()) {
            throw new IOException("snapshot " + file + " holds term " + snapshot.term() + " index "
                    + snapshot.index() + ", but its name says " + info.getTermIndex());
        }
        if (!scope.equals(snapshot.state().scope())) {
            throw new IOException("snapshot " + file + " belongs to cluster '" + snapshot.state().scope()
                    + "', this member is configured for '" + scope + "'");
        }
        synchronized (lock) {
            state = snapshot.state();
            setLastAppliedTermIndex(info.getTermIndex());
            loadedSnapshot = info.getTermIndex();
            releaseWaiters(info.getIndex());
        }
        LOG.info("loaded snapshot {} ({} members)", info.getTermIndex(), snapshot.state().members().size());
    }

    /** Caller holds {@code lock}. */
    private void releaseWaiters(long appliedIndex) {
        if (waiters.isEmpty()) {
            return;
        }
        Map<Long, List<CompletableFuture<ClusterState>>> ready = waiters.headMap(appliedIndex, true);
        List<CompletableFuture<ClusterState>> due = new ArrayList<>();
        ready.values().forEach(due::addAll);
        ready.clear();
        if (!due.isEmpty()) {
            ClusterState current = state;
            completer.execute(() -> due.forEach(f -> f.complete(current)));
        }
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        events.leadershipChanged();
    }

    @Override
    public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
        events.leadershipChanged();
    }

    @Override
    public void notifyLeaderReady() {
        events.leadershipChanged();
    }

    @Override
    public void close() {
        getLifeCycle().checkStateAndClose(() -> {
            synchronized (lock) {
                waiters.values().forEach(list -> list.forEach(f -> f.cancel(false)));
                waiters.clear();
            }
        });
    }
}
