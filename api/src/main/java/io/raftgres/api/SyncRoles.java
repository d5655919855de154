package io.raftgres.api;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.SyncMode;
import io.raftgres.core.model.SyncSettings;
import io.raftgres.core.model.SyncState;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Synchronous-replication views of the published state, shared by {@code /patroni}, {@code /cluster},
 * the health checks and {@code patroni_sync_standby}: a member listed in the published state is a
 * {@code sync_standby} (mode on) or a {@code quorum_standby} (mode quorum). Only a state published by
 * the current leader key's holder counts. Stateless.
 */
final class SyncRoles {

    private SyncRoles() {
    }

    /** "sync_standby", "quorum_standby", or empty for {@code member}. */
    static Optional<String> role(ClusterState cluster, String member) {
        SyncState s = current(cluster);
        if (s == null || !s.members().contains(member)) {
            return Optional.empty();
        }
        return Optional.of(s.mode() == SyncMode.QUORUM ? "quorum_standby" : "sync_standby");
    }

    static boolean isSyncStandby(ClusterState cluster, String member) {
        return role(cluster, member).filter("sync_standby"::equals).isPresent();
    }

    static boolean isQuorumStandby(ClusterState cluster, String member) {
        return role(cluster, member).filter("quorum_standby"::equals).isPresent();
    }

    /**
     * {@code /patroni}'s {@code synchronous_replication}: mode, strict, node count, the published
     * standbys or voters, and a sentence; empty in asynchronous mode.
     */
    static Optional<Map<String, Object>> describe(ClusterState cluster) {
        SyncSettings settings = cluster.config().sync();
        if (!settings.enabled()) {
            return Optional.empty();
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mode", settings.mode().text());
        json.put("strict", settings.strict());
        json.put("node_count", settings.nodeCount());
        SyncState s = current(cluster);
        if (s == null) {
            json.put("state", "the primary has not published its synchronous standbys yet");
        } else if (s.members().isEmpty()) {
            json.put("members", s.members());
            json.put("state", settings.strict() ? "no synchronous standby published: commits wait for one"
                    : "asynchronous fallback: no synchronous standby, commits are not confirmed by any replica");
        } else {
            json.put("members", s.members());
            json.put("quorum", s.quorum());
            json.put("state", s.mode() == SyncMode.QUORUM
                    ? "any " + s.quorum() + " of " + s.members() + " confirm every commit"
                    : s.members() + " confirm every commit");
        }
        return Optional.of(json);
    }

    private static SyncState current(ClusterState cluster) {
        SyncState s = cluster.sync();
        if (s == null || cluster.leader() == null || !s.primary().equals(cluster.leader().member())) {
            return null;
        }
        return s;
    }
}
