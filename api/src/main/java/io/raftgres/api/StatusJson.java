package io.raftgres.api;

import io.raftgres.core.model.LocalPgState;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the {@code GET /patroni} document (also the body of health-check GETs) from one
 * snapshot, with Patroni's field names. Optional fields are left out rather than null, as
 * Patroni does. Stateless.
 */
final class StatusJson {

    private StatusJson() {
    }

    static Map<String, Object> patroni(StatusSnapshot s) {
        LocalPgState local = s.local();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", s.pgState());
        if (local.running() && s.postmasterStartMillis() != null) {
            json.put("postmaster_start_time", TimeText.postgres(s.postmasterStartMillis()));
        }
        json.put("role", local.isRunningReplica()
                ? SyncRoles.role(s.cluster(), s.memberName()).orElse(role(local)) : role(local));
        if (local.running()) {
            putRunningFields(json, s);
        }
        String systemId = local.systemId() != null ? local.systemId() : s.cluster().systemId();
        if (systemId != null) {
            json.put("database_system_identifier", systemId);
        }
        json.put("cluster_unlocked", clusterUnlocked(s));
        json.put("dcs_last_seen", s.raftLastSeenMillis() / 1000);
        Map<String, Object> tags = TagViews.forJson(s.tags());
        if (!tags.isEmpty()) {
            json.put("tags", tags);
        }
        if (s.watchdogFailed()) {
            json.put("watchdog_failed", true);
        }
        if (s.paused()) {
            json.put("pause", true);
        }
        ClusterJson.putPendingRestart(json, s.cluster().members().get(s.memberName()));
        ClusterJson.putScheduledRestart(json, s.cluster().restarts().get(s.memberName()));
        SyncRoles.describe(s.cluster()).ifPresent(d -> json.put("synchronous_replication", d));
        json.put("patroni", patroniInfo(s));
        return json;
    }

    /**
     * As Patroni: unlocked when there is no leader key or the store is unreachable (a stale key
     * proves nothing). Shared by {@code /patroni} and {@code patroni_cluster_unlocked}.
     */
    static boolean clusterUnlocked(StatusSnapshot s) {
        return s.cluster().leader() == null || !s.raft().quorumReachable();
    }

    /**
     * Patroni's role: what PostgreSQL runs as; when it does not run, "uninitialized" without a
     * data directory, else "stopped".
     */
    static String role(LocalPgState local) {
        if (local.running()) {
            return local.inRecovery() ? "replica" : "primary";
        }
        return local.hasDataDirectory() ? "stopped" : "uninitialized";
    }

    private static void putRunningFields(Map<String, Object> json, StatusSnapshot s) {
        LocalPgState local = s.local();
        if (local.serverVersion() > 0) {
            json.put("server_version", local.serverVersion());
        }
        json.put("xlog", xlog(local));
        if (local.timeline() > 0) {
            json.put("timeline", local.timeline());
        }
        String replicationState = HealthEvaluator.replicationState(local);
        if (replicationState != null) {
            json.put("replication_state", replicationState);
        }
        if (!s.replication().isEmpty()) {
            json.put("replication", s.replication().stream().map(StatusJson::walSender).toList());
        }
    }

    private static Map<String, Object> xlog(LocalPgState local) {
        Map<String, Object> xlog = new LinkedHashMap<>();
        if (local.inRecovery()) {
            xlog.put("received_location", WalPositions.orZero(local.writeLsn()).value());
            xlog.put("replayed_location", WalPositions.orZero(local.replayLsn()).value());
            Long replayedAt = local.replayTimestampMillis();
            xlog.put("replayed_timestamp", replayedAt == null ? null : TimeText.postgres(replayedAt));
            xlog.put("paused", local.replayPaused());
        } else {
            xlog.put("location", WalPositions.orZero(local.writeLsn()).value());
        }
        return xlog;
    }

    private static Map<String, Object> walSender(WalSenderInfo w) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("usename", w.usename());
        json.put("application_name", w.applicationName());
        json.put("client_addr", w.clientAddr());
        json.put("state", w.state());
        json.put("sync_state", w.syncState());
        json.put("sync_priority", w.syncPriority());
        return json;
    }

    private static Map<String, Object> patroniInfo(StatusSnapshot s) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("version", s.version());
        info.put("scope", s.scope());
        info.put("name", s.memberName());
        return info;
    }
}
