package io.raftgres.api;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.RaftView;

import java.util.List;
import java.util.Objects;

/**
 * Everything the REST API shows about one member, as of the agent's last HA cycle. Immutable
 * and safe to share between threads; the agent builds a new one each cycle and hands it out
 * through {@link AgentFacade#snapshot()}. Wall-clock times are epoch milliseconds.
 *
 * @param scope                 cluster name
 * @param memberName            this member's name
 * @param version               raftgres version string
 * @param local                 what the agent observed about its own PostgreSQL
 * @param raft                  what the local Raft server said
 * @param cluster               the replicated cluster state as this member last applied it;
 *                              {@link ClusterState#empty(String)} before anything is known
 * @param leaderWithLease       this member holds the leader key for the current Raft term, a
 *                              valid lease, and runs the writable primary: the one condition
 *                              under which {@code /primary} answers 200
 * @param pgState               Patroni's PostgreSQL state text ("running", "stopped", "starting",
 *                              "creating replica", "initializing new cluster", ...)
 * @param replication           WAL senders on this member (standbys streaming from it)
 * @param tags                  this member's configured tags
 * @param watchdogFailed        the watchdog is required but unusable
 * @param postmasterStartMillis when the running postmaster started, else null
 * @param raftLastSeenMillis    last successful write to the Raft log (Patroni's dcs_last_seen), 0 never
 * @param lastLoopMillis        when the last HA cycle ran; the agent's start time until the first
 *                              cycle completes (drives {@code /liveness})
 * @param paused                maintenance mode
 * @param apiUrl                this member's advertised REST URL
 * @param pgHost                this member's advertised PostgreSQL host
 * @param pgPort                this member's advertised PostgreSQL port
 * @param silentMembers         members whose agent has not reported within the member TTL
 */
public record StatusSnapshot(String scope, String memberName, String version, LocalPgState local, RaftView raft,
                             ClusterState cluster, boolean leaderWithLease, String pgState,
                             List<WalSenderInfo> replication, MemberTags tags, boolean watchdogFailed,
                             Long postmasterStartMillis, long raftLastSeenMillis, long lastLoopMillis,
                             boolean paused, String apiUrl, String pgHost, int pgPort,
                             java.util.Set<String> silentMembers) {

    /** A snapshot in which every member counts as reporting. */
    public StatusSnapshot(String scope, String memberName, String version, LocalPgState local, RaftView raft,
                          ClusterState cluster, boolean leaderWithLease, String pgState,
                          List<WalSenderInfo> replication, MemberTags tags, boolean watchdogFailed,
                          Long postmasterStartMillis, long raftLastSeenMillis, long lastLoopMillis,
                          boolean paused, String apiUrl, String pgHost, int pgPort) {
        this(scope, memberName, version, local, raft, cluster, leaderWithLease, pgState, replication, tags,
                watchdogFailed, postmasterStartMillis, raftLastSeenMillis, lastLoopMillis, paused, apiUrl, pgHost, pgPort,
                java.util.Set.of());
    }

    /** Rejects a snapshot with a missing part, naming the part, so a broken agent fails loudly. */
    public StatusSnapshot {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(memberName, "memberName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(raft, "raft");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(pgState, "pgState");
        Objects.requireNonNull(tags, "tags");
        replication = List.copyOf(replication);
        silentMembers = java.util.Set.copyOf(silentMembers);
    }
}
