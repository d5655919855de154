package io.raftgres.raft;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.timing.SilenceRule;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This member's seat in the cluster's Raft group: an embedded Ratis server (Netty transport,
 * storage recovered from disk), clients for reaching the leader, the replicated
 * {@link ClusterState}, and the agent's {@link RaftLease}.
 *
 * <p>Used by the agent's HA loop: {@link #state()} and {@link #view()} never block and may be
 * called from any thread; {@link #submit} and {@link #transferLeadership} return futures that
 * complete on the node's own notifier thread, never on a Ratis thread, and always end within
 * a bounded time. Listeners run on that notifier thread after an applied command changed the
 * state and after leadership changes. {@link #start()} and {@link #close()} are called once,
 * by the agent's main thread.
 */
public final class RaftNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    private final RaftNodeConfig config;
    private final LongSupplier nanoTime;
    private final Map<String, String> dialAddresses;
    private final RatisWiring.Tuning tuning;
    private final RaftPeerId selfId;
    private final ChangeNotifier notifier;
    private final ScheduledExecutorService timer;
    private final RatisStateMachine stateMachine;
    private final RaftLease lease;
    private final ViewTracker tracker;
    private volatile RaftServer server;
    private volatile CommandSubmitter submitter;
    private volatile LeaderSilenceDetector detector;
    private volatile boolean closed;
    private final java.util.function.DoubleSupplier detectorRandom;

    public RaftNode(RaftNodeConfig config) {
        this(config, System::nanoTime, Map.of(), RatisWiring.Tuning.PRODUCTION);
    }

    /**
     * Test seam: {@code nanoTime} is the monotonic clock of the lease and the view;
     * {@code dialAddresses} routes connections to some peers elsewhere than their ids say;
     * {@code tuning} sizes snapshots and log segments.
     */
    RaftNode(RaftNodeConfig config, LongSupplier nanoTime, Map<String, String> dialAddresses,
             RatisWiring.Tuning tuning) {
        this(config, nanoTime, dialAddresses, tuning, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** As above; {@code detectorRandom} draws the leader silence detector's thresholds (uniform in [0, 1)). */
    RaftNode(RaftNodeConfig config, LongSupplier nanoTime, Map<String, String> dialAddresses,
             RatisWiring.Tuning tuning, java.util.function.DoubleSupplier detectorRandom) {
        this.detectorRandom = detectorRandom;
        this.config = Objects.requireNonNull(config, "config");
        this.nanoTime = nanoTime;
        this.dialAddresses = Map.copyOf(dialAddresses);
        this.tuning = tuning;
        this.selfId = RaftPeerId.valueOf(config.selfAddress());
        this.notifier = new ChangeNotifier(config.memberName());
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("raftgres-raft-timer-" + config.memberName()).factory());
        this.stateMachine = new RatisStateMachine(config.memberName(), config.scope(), new Events(), notifier);
        this.tracker = new ViewTracker(config.memberName(), nanoTime, stateMachine::state);
        this.lease = new RaftLease(config, tracker, term -> heartbeat(term), nanoTime);
    }

    /**
     * Starts the Raft server from its storage (formatting it when empty) and the lease
     * heartbeats. Blocks for ET_min first when the storage already holds this group (the
     * restart quarantine, see {@link RaftLease}). If it throws, {@link #close()} releases the rest.
     */
    public synchronized void start() throws IOException {
        if (server != null || closed) {
            throw new IllegalStateException("RaftNode " + config.memberName() + " was already started");
        }
        RaftGroup group = RatisWiring.group(config, dialAddresses);
        awaitRestartQuarantine(group);
        RaftServer built = RaftServer.newBuilder()
                .setServerId(selfId)
                .setGroup(group)
                .setStateMachine(stateMachine)
                .setProperties(RatisWiring.serverProperties(config, tuning))
                .setParameters(RatisWiring.serverParameters(config))
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        try {
            built.start();
            tracker.attach(built.getDivision(group.getGroupId()));
        } catch (IOException | RuntimeException e) {
            try {
                built.close();
            } catch (IOException closeError) {
                e.addSuppressed(closeError);
            }
            throw e;
        }
        server = built;
        submitter = new CommandSubmitter(built, group.getGroupId(), selfId, tracker::isLeader,
                new LeaderClients(group, RatisWiring.clientProperties()), tracker::followedLeader,
                stateMachine, notifier, nanoTime, tracker::committed);
        lease.start(timer);
        detector = new LeaderSilenceDetector(config.memberName(), built.getDivision(group.getGroupId()),
                new SilenceRule(config.timing()), detectorRandom, nanoTime,
                () -> SilenceRule.preferred(stateMachine.state(), config.memberName())).start();
        // a campaign that made this member leader ends within ET_max (a further round would be a new campaign)
        long recent = config.electionTimeoutMax().multipliedBy(2).toNanos();
        tracker.silentLeader(term -> detector.silentLeader(term, recent));
        LastContact contact = detector.lastContact();
        long silence = config.electionTimeoutMin().toNanos();
        tracker.lastContact(new ViewTracker.ContactProof() {
            @Override
            public java.util.OptionalLong before(long term, String keyHolder) {
                return contact.before(term, keyHolder);
            }

            @Override
            public java.util.Optional<String> silentLeader(long nowNanos) {
                return contact.silentLeader(nowNanos, silence, recent);
            }
        });
        LOG.info("Raft node {} started at {} in group {} with peers {}", config.memberName(), config.selfAddress(),
                group.getGroupId(), config.peerAddresses());
    }

    /**
     * A restarted member has forgotten when it last heard from the leader, so it would grant a
     * pre-vote at once; if it acknowledged a lease heartbeat just before going down, that vote
     * could help elect a new leader while the old lease still runs. Staying out for ET_min
     * after start (which is after the crash, which is after any heartbeat it acknowledged)
     * restores the lease's guarantee. A member with empty storage never acknowledged anything.
     */
    private void awaitRestartQuarantine(RaftGroup group) throws IOException {
        Path meta = config.storageDir().resolve(group.getGroupId().getUuid().toString()).resolve("current");
        if (!Files.isDirectory(meta)) {
            return;
        }
        long millis = config.electionTimeoutMin().toMillis();
        LOG.info("{} restarts from existing Raft storage: staying out of elections for {} ms so that no vote of "
                + "this member can cut short a lease it acknowledged before the restart", config.memberName(), millis);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during the restart quarantine of "
                    + config.memberName());
        }
    }

    /** The latest applied replicated state; never blocks. */
    public ClusterState state() {
        return stateMachine.state();
    }

    /** What the local Raft server says now; never blocks. */
    public RaftView view() {
        return tracker.view(lease.isValid());
    }

    /** The agent's lease; see {@link RaftLease} for what validity guarantees. */
    public RaftLease lease() {
        return lease;
    }

    /**
     * Appends {@code command} and waits for it to be applied: through the local server when it
     * is leader, else through the leader with bounded retries, about 3 s in total. Completes
     * with the {@link ApplyResult} (its state is this replica's, at or after the entry), with a
     * not-accepted result when the leader refused it, or with a {@link SubmitException}.
     */
    public CompletableFuture<ApplyResult> submit(Command command) {
        Objects.requireNonNull(command, "command");
        CommandSubmitter s = submitter;
        if (s == null || closed) {
            return CompletableFuture.failedFuture(new SubmitException("Raft node " + config.memberName()
                    + " is not running"));
        }
        return s.submit(command);
    }

    /**
     * Asks the leader to hand leadership to {@code targetAddress} (a peer's Raft address).
     * The agent must have demoted PostgreSQL before: a transfer skips the lease's guarantees.
     */
    public CompletableFuture<Void> transferLeadership(String targetAddress, Duration timeout) {
        if (!config.peerAddresses().contains(targetAddress)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("'" + targetAddress
                    + "' is not a peer of this group; peers are " + config.peerAddresses()));
        }
        CommandSubmitter s = submitter;
        if (s == null || closed) {
            return CompletableFuture.failedFuture(new SubmitException("Raft node " + config.memberName()
                    + " is not running"));
        }
        return s.transferLeadership(RaftPeerId.valueOf(targetAddress), timeout);
    }

    /** Takes a snapshot of the local replica now; completes with its log index. */
    public CompletableFuture<Long> takeSnapshot() {
        CommandSubmitter s = submitter;
        if (s == null || closed) {
            return CompletableFuture.failedFuture(new SubmitException("Raft node " + config.memberName()
                    + " is not running"));
        }
        return s.takeSnapshot(Duration.ofSeconds(5));
    }

    /** Registers a listener to run (on the notifier thread) after state or leadership changes. */
    public void addListener(Runnable listener) {
        notifier.addListener(Objects.requireNonNull(listener, "listener"));
    }

    /** Elections the leader silence detector started (-1 before start or when its Ratis hook is missing). */
    long silenceCampaigns() {
        LeaderSilenceDetector d = detector;
        return d == null || !d.active() ? -1 : d.campaigns();
    }

    /** This member's proven last contact with earlier leaders, for this package's tests; null before start. */
    LastContact lastContact() {
        LeaderSilenceDetector d = detector;
        return d == null ? null : d.lastContact();
    }

    /** The local Raft division, for this package's tests that drive Ratis directly; null before start. */
    RaftServer.Division division() throws IOException {
        RaftServer s = server;
        return s == null ? null : s.getDivision(RatisWiring.groupId(config.scope()));
    }

    /** The configuration this node was built with. */
    public RaftNodeConfig config() {
        return config;
    }

    /** Log index of the snapshot loaded at start (or installed from the leader), or -1. */
    long loadedSnapshotIndex() {
        var loaded = stateMachine.loadedSnapshot();
        return loaded == null ? -1 : loaded.getIndex();
    }

    /** Index of the last entry applied to the local replica, or -1. */
    long appliedIndex() {
        var applied = stateMachine.getLastAppliedTermIndex();
        return applied == null ? -1 : applied.getIndex();
    }

    private CompletableFuture<Boolean> heartbeat(long term) {
        CommandSubmitter s = submitter;
        if (s == null) {
            return CompletableFuture.completedFuture(false);
        }
        return s.commitLocally(new Command.LeaseHeartbeat(config.memberName(), term));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        lease.stop();
        closeQuietly(detector, "leader silence detector");
        tracker.detach();
        CommandSubmitter s = submitter;
        if (s != null) {
            s.close();
        }
        closeQuietly(server, "Raft server");
        timer.shutdownNow();
        try {
            notifier.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Raft node {} closed", config.memberName());
    }

    private void closeQuietly(AutoCloseable closeable, String what) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("closing the {} of {} failed", what, config.memberName(), e);
        }
    }

    /** Callbacks from the state machine, on Ratis threads: record and hand off only. */
    private final class Events implements RatisStateMachine.Events {
        @Override
        public void applied(long term, long index, boolean stateChanged) {
            tracker.applied(term);
            if (stateChanged) {
                notifier.signal();
            }
        }

        @Override
        public void leadershipChanged() {
            LOG.debug("Raft leadership changed: term {}, leader {}", tracker.term(), tracker.followedLeader());
            tracker.observeLeadership();
            if (tracker.isLeader()) {
                lease.kick();
            }
            notifier.signal();
        }
    }
}
