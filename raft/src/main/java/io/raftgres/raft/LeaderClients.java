package io.raftgres.raft;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft client a follower uses to reach the leader it currently follows: one {@link RaftClient}
 * bound to that leader, replaced when the leader changes or after a failure.
 *
 * <p>Why not one client for the node's lifetime: Ratis' Netty client connects to a peer inside a
 * per-peer lock with Netty's fixed 30 s connect timeout (there is no setting for it in Ratis 3.3.0).
 * A long-lived client keeps guessing the old leader after a failover, and once it tries to
 * reconnect to a host that is partitioned or gone (SYNs dropped), every later request through it
 * queues behind that connect for up to 30 s. Measured in the container suite: a surviving follower's
 * member record reached the new leader 28 s late, and quorum-mode promotion waited for it. A client
 * bound to the leader this server hears from, discarded after any failure, never waits on a peer
 * it is not following. A discarded client is closed on a background thread, since its close can
 * wait for such a connect.
 *
 * <p>Retries inside Ratis are limited to refusals that prove the request was not appended
 * (not leader, leader not ready: the attempt failed without an exception of its own), so a retry
 * can never apply a command twice; everything else is left to the caller's next cycle.
 *
 * <p>Thread-safe.
 */
final class LeaderClients implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderClients.class);

    /** Attempts on "not leader" / "leader not ready" refusals, and the pause between them. */
    private static final int REFUSAL_ATTEMPTS = 6;
    private static final TimeDuration REFUSAL_PAUSE = TimeDuration.valueOf(100, TimeUnit.MILLISECONDS);

    private final RaftGroup group;
    private final RaftProperties properties;
    private RaftPeerId leader;
    private RaftClient client;
    private boolean closed;

    LeaderClients(RaftGroup group, RaftProperties properties) {
        this.group = group;
        this.properties = properties;
    }

    /** The client bound to {@code currentLeader}; a new one when the leader changed. */
    synchronized RaftClient forLeader(RaftPeerId currentLeader) throws IOException {
        if (closed) {
            throw new IOException("the Raft client is closed");
        }
        if (client != null && currentLeader.equals(leader)) {
            return client;
        }
        closeLater(client);
        leader = currentLeader;
        client = RaftClient.newBuilder()
                .setRaftGroup(group)
                .setLeaderId(currentLeader)
                .setProperties(properties)
                .setRetryPolicy(refusalsOnly())
                .build();
        return client;
    }

    /** Never reuses {@code failed}: its leader guess or a connect in progress may be stale. */
    synchronized void discard(RaftClient failed) {
        if (failed == client) {
            client = null;
            leader = null;
        }
        closeLater(failed);
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeLater(client);
        client = null;
    }

    private static void closeLater(RaftClient c) {
        if (c == null) {
            return;
        }
        Thread.ofVirtual().name("raftgres-raft-client-close").start(() -> {
            try {
                c.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing a Raft client failed: {}", e.toString());
            }
        });
    }

    /**
     * Retries only attempts that failed without an exception of their own: Ratis reports "not
     * leader" (after switching to the suggested leader) and "leader not ready" that way.
     */
    static RetryPolicy refusalsOnly() {
        return event -> event.getCause() == null && event.getAttemptCount() < REFUSAL_ATTEMPTS
                ? () -> REFUSAL_PAUSE
                : RetryPolicy.NO_RETRY_ACTION;
    }
}
