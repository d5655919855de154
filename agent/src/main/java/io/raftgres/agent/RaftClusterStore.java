package io.raftgres.agent;

import io.raftgres.ha.ClusterStore;
import io.raftgres.agent.config.HostPort;
import io.raftgres.agent.config.RaftSettings;
import io.raftgres.agent.config.RaftgresConfig;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.timing.LeaseGrant;
import io.raftgres.raft.RaftNode;
import io.raftgres.raft.RaftNodeConfig;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@link ClusterStore} over the member's Ratis node; owns the node's lifecycle. */
final class RaftClusterStore implements ClusterStore, AutoCloseable {

    private final RaftNode node;

    private RaftClusterStore(RaftNode node) {
        this.node = node;
    }

    static RaftClusterStore start(RaftgresConfig config) {
        RaftNode node = new RaftNode(nodeConfig(config));
        try {
            node.start();
        } catch (IOException e) {
            node.close();
            throw new UncheckedIOException(e);
        }
        return new RaftClusterStore(node);
    }

    /** The Raft node's configuration: the validated config's addresses and its one {@code SafetyTiming}. */
    static RaftNodeConfig nodeConfig(RaftgresConfig config) {
        RaftSettings r = config.raft();
        List<String> peers = r.allAddrs().stream().map(HostPort::toString).toList();
        return new RaftNodeConfig(config.name(), r.selfAddr().toString(), peers, config.scope(), r.dataDir(),
                r.safety());
    }

    /** How long a new leader waits before taking over another member's primary (see RaftLease). */
    Duration takeoverDelay() {
        return node.lease().takeoverDelay();
    }

    /** Milliseconds left on this member's leader lease, 0 without a valid one; a field read. */
    long leaseRemainingMillis() {
        return node.lease().remainingNanos() / 1_000_000;
    }

    /**
     * The last lease granted, its end in the agent clock's milliseconds (divided as {@code Clock.SYSTEM}
     * divides) and one millisecond earlier, which covers the fraction dropped: earlier is the safe side for
     * a deadline measured from it.
     */
    @Override
    public LeaseGrant lastLeaseGrant() {
        LeaseGrant g = node.lease().lastGrant();
        return g.granted() ? new LeaseGrant(g.term(), true, g.expiry() / 1_000_000 - 1) : null;
    }

    @Override public ClusterState state() { return node.state(); }
    @Override public RaftView view() { return node.view(); }
    @Override public CompletableFuture<ApplyResult> submit(Command command) { return node.submit(command); }

    @Override
    public CompletableFuture<Void> transferLeadership(String raftAddress, Duration timeout) {
        return node.transferLeadership(raftAddress, timeout);
    }

    @Override public void addListener(Runnable listener) { node.addListener(listener); }
    @Override public void close() { node.close(); }
}
