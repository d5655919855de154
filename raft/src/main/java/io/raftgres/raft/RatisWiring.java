package io.raftgres.raft;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * How raftgres configures Ratis: one fixed group per cluster, Netty transport on server and
 * client, equal priorities, pre-vote on, second-scale election timeouts, small snapshots taken
 * often. Every choice here has a reason in ARCHITECTURE §3 or the Ratis reference; change
 * them together with {@link RaftLease}'s safety rule. Stateless.
 */
final class RatisWiring {

    /**
     * Log sizing. Production: a snapshot every 1000 entries (the state is a few KB, so
     * snapshots are cheap) and 1 MB segments, so that purging after a snapshot actually frees
     * closed segments. Tests shrink both to exercise purging and snapshot installation.
     */
    record Tuning(long snapshotThreshold, long segmentSizeBytes) {
        static final Tuning PRODUCTION = new Tuning(1000, 1024 * 1024);
    }

    /**
     * Largest log entry, in bytes: Ratis' appender batch limit (default 4 MB). The leader refuses
     * a bigger entry at append ("Log entry size ... exceeds the max buffer limit"), which reaches
     * the submitter as a refusal. raftgres' largest commands are dynamic configurations, whose
     * REST bodies stop at 64 KiB, so 1 MiB leaves them ample room.
     */
    static final int LOG_ENTRY_MAX_BYTES = 1024 * 1024;
    /**
     * The log worker's direct write buffer. Ratis allocates it at start and it stays resident
     * (its 8 MB default was about a twentieth of an idle agent's memory); it must hold a largest
     * entry plus 8 bytes of length and checksum.
     */
    static final int WRITE_BUFFER_BYTES = LOG_ENTRY_MAX_BYTES + 8;

    /** Snapshot files kept (at least 2 avoids a delete-while-sending race). */
    static final int SNAPSHOTS_RETAINED = 2;
    /** Per-attempt timeout of a client request; attempts are bounded by {@link LeaderClients#refusalsOnly()}. */
    static final Duration CLIENT_ATTEMPT_TIMEOUT = Duration.ofMillis(1000);

    private RatisWiring() {
    }

    /** The group id: a name-based UUID of the scope, identical on every member. */
    static RaftGroupId groupId(String scope) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(scope.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The voting peers; a peer's id is its configured Raft address. {@code dialAddresses} may
     * route connections to some peers elsewhere (tests put fault-injecting forwarders there).
     */
    static RaftGroup group(RaftNodeConfig config, Map<String, String> dialAddresses) {
        List<RaftPeer> peers = config.peerAddresses().stream()
                .map(address -> RaftPeer.newBuilder()
                        .setId(RaftPeerId.valueOf(address))
                        .setAddress(dialAddresses.getOrDefault(address, address))
                        .setPriority(0)
                        .build())
                .toList();
        return RaftGroup.valueOf(groupId(config.scope()), peers);
    }

    static RaftProperties serverProperties(RaftNodeConfig config, Tuning tuning) {
        RaftProperties p = new RaftProperties();
        // Netty, with append acknowledgements that never outlive a vote of a newer term (AppendAckGuard)
        RaftConfigKeys.Rpc.setType(p, new VoteSafeNetty());
        NettyConfigKeys.Server.setHost(p, config.selfHost());
        NettyConfigKeys.Server.setPort(p, config.selfPort());

        File dir = config.storageDir().toFile();
        RaftServerConfigKeys.setStorageDir(p, List.of(dir));
        RaftServerConfigKeys.setRemovedGroupsDir(p, new File(dir, "removed-groups"));

        RaftServerConfigKeys.Rpc.setTimeoutMin(p, millis(config.electionTimeoutMin()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, millis(config.electionTimeoutMax()));
        // The Netty transport bounds every server-to-server call (votes, appends) by the client's request timeout,
        // 3 s by default whatever the election timeouts. A timeout resets the connection, and a new connection to
        // a host that is gone waits for Netty's unbounded connect: SafetyTiming.peerRequestTimeout keeps it longer
        // than any election round.
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, millis(config.timing().peerRequestTimeout()));
        // the lease's safety argument needs pre-vote (see RaftLease); it is the default, make it explicit
        RaftServerConfigKeys.LeaderElection.setPreVote(p, true);

        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, tuning.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, SNAPSHOTS_RETAINED);
        // purge up to the snapshot even if a follower lags: it then receives the (tiny) snapshot
        // instead of the leader keeping an unbounded log while a member is down for days
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(tuning.snapshotThreshold(), 1024));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(tuning.segmentSizeBytes()));
        RaftServerConfigKeys.Log.setPreallocatedSize(p,
                SizeInBytes.valueOf(Math.min(tuning.segmentSizeBytes(), 1024 * 1024)));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(LOG_ENTRY_MAX_BYTES));
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(WRITE_BUFFER_BYTES));
        return p;
    }

    /** What the server's transport needs besides its properties: the member's name for {@link AppendAckGuard}'s log. */
    static Parameters serverParameters(RaftNodeConfig config) {
        Parameters parameters = new Parameters();
        parameters.put(VoteSafeNetty.MEMBER, config.memberName(), String.class);
        return parameters;
    }

    static RaftProperties clientProperties() {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.NETTY);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, millis(CLIENT_ATTEMPT_TIMEOUT));
        return p;
    }

    private static TimeDuration millis(Duration d) {
        return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
    }
}
