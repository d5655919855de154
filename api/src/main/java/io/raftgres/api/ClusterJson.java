package io.raftgres.api;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.TimelineSwitch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the {@code /cluster}, {@code /history} and {@code /config} documents from the
 * replicated {@link ClusterState} (never from live queries), with Patroni's field names.
 * Stateless.
 */
final class ClusterJson {

    private static final String UNKNOWN_LAG = "unknown";

    private ClusterJson() {
    }

    /**
     * {@code {members: [...sorted by name], scope, pause?}}. A member in {@code silent} (its agent
     * has not reported within the member TTL) shows {@code state: unknown} and
     * {@code last_report} (its last publication time): its record may describe a dead host.
     */
    static Map<String, Object> cluster(ClusterState cluster, boolean paused, java.util.Set<String> silent) {
        Optional<Lsn> leaderPosition = WalPositions.leaderPosition(cluster);
        String leaderName = cluster.leaderRecord().map(LeaderRecord::member).orElse(null);
        List<Map<String, Object>> members = new ArrayList<>();
        for (MemberRecord m : cluster.members().values()) {
            Map<String, Object> row = member(m, m.name().equals(leaderName), leaderPosition);
            if (!m.name().equals(leaderName)) {
                SyncRoles.role(cluster, m.name()).ifPresent(role -> row.put("role", role));
            }
            if (silent.contains(m.name())) {
                row.put("state", "unknown");
                row.put("last_report", TimeText.iso(m.updatedAtMillis()));
            }
            putScheduledRestart(row, cluster.restarts().get(m.name()));
            members.add(row);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("members", members);
        json.put("scope", cluster.scope());
        if (paused) {
            json.put("pause", true);
        }
        io.raftgres.core.model.Switchover planned = cluster.activeSwitchover();
        if (planned != null && planned.scheduled()) {
            Map<String, Object> at = new LinkedHashMap<>();
            at.put("at", TimeText.iso(planned.scheduledAtMillis()));
            at.put("from", planned.leader());
            if (planned.candidate() != null) {
                at.put("to", planned.candidate());
            }
            json.put("scheduled_switchover", at);
        }
        return json;
    }

    /**
     * Patroni's rows, oldest first: {@code [timeline, switch_lsn, reason, timestamp, new_leader]}
     * where timeline is the one that ended at switch_lsn (PostgreSQL's history file lists the
     * parent timeline), reason is PostgreSQL's, and new_leader the member promoted onto the next.
     */
    static List<List<Object>> history(ClusterState cluster) {
        List<List<Object>> rows = new ArrayList<>();
        for (TimelineSwitch t : cluster.history()) {
            rows.add(Arrays.asList(t.endedTimeline(), WalPositions.orZero(t.switchLsn()).value(), t.reason(),
                    TimeText.iso(t.atMillis()), t.newLeader()));
        }
        return rows;
    }

    /** The dynamic configuration as Patroni spells it (times in seconds). Holds no secrets. */
    static Map<String, Object> config(DynamicConfig config) {
        Map<String, Object> postgresql = new LinkedHashMap<>();
        postgresql.put("use_pg_rewind", config.usePgRewind());
        postgresql.put("use_slots", config.useSlots());
        Map<String, Object> parameters = new LinkedHashMap<>();
        config.parameters().forEach((name, text) -> parameters.put(name, ParameterValues.yamlTyped(text)));
        postgresql.put("parameters", parameters);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("loop_wait", seconds(config.loopWaitMillis()));
        json.put("maximum_lag_on_failover", config.maximumLagOnFailover());
        json.put("primary_start_timeout", seconds(config.primaryStartTimeoutMillis()));
        json.put("postgresql", postgresql);
        json.put("synchronous_mode", config.sync().mode().text());
        json.put("synchronous_mode_strict", config.sync().strict());
        json.put("synchronous_node_count", config.sync().nodeCount());
        if (config.pause()) {
            json.put("pause", true);
        }
        return json;
    }

    private static Map<String, Object> member(MemberRecord m, boolean isLeader, Optional<Lsn> leaderPosition) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", m.name());
        json.put("role", isLeader ? "leader" : "replica");
        json.put("state", isLeader ? m.state() : replicaState(m));
        json.put("api_url", patroniUrl(m.apiUrl()));
        json.put("host", m.pgHost());
        json.put("port", m.pgPort());
        if (m.timeline() > 0) {
            json.put("timeline", m.timeline());
        }
        if (!isLeader) {
            putLag(json, m, leaderPosition);
        }
        Map<String, Object> tags = TagViews.forJson(m.tags());
        if (!tags.isEmpty()) {
            json.put("tags", tags);
        }
        putPendingRestart(json, m);
        return json;
    }

    /**
     * Patroni's {@code pending_restart: true} and {@code pending_restart_reason} ({@code {name:
     * {old_value, new_value}}}) when the member reported parameters waiting for a restart.
     */
    static void putPendingRestart(Map<String, Object> json, MemberRecord m) {
        if (m == null || m.pendingRestart().isEmpty()) {
            return;
        }
        Map<String, Object> reasons = new LinkedHashMap<>();
        m.pendingRestart().forEach((name, change) -> {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("old_value", change.oldValue());
            values.put("new_value", change.newValue());
            reasons.put(name, values);
        });
        json.put("pending_restart", true);
        json.put("pending_restart_reason", reasons);
    }

    /**
     * Patroni's {@code scheduled_restart: {schedule, restart_pending?, role?, postgres_version?,
     * timeout?}} (only the conditions that were given) when the member has a scheduled restart.
     */
    static void putScheduledRestart(Map<String, Object> json, io.raftgres.core.model.ScheduledRestart r) {
        if (r == null) {
            return;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schedule", TimeText.iso(r.scheduleMillis()));
        if (r.restartPending()) {
            doc.put("restart_pending", true);
        }
        if (r.role() != null) {
            doc.put("role", r.role() == PgRole.PRIMARY ? "primary" : "replica");
        }
        if (r.postgresVersion() > 0) {
            doc.put("postgres_version", r.postgresVersion());
        }
        if (r.timeoutSeconds() > 0) {
            doc.put("timeout", r.timeoutSeconds());
        }
        json.put("scheduled_restart", doc);
    }

    /** Patroni shows a running replica's replication state in place of "running". */
    private static String replicaState(MemberRecord m) {
        if (m.role() == PgRole.REPLICA && "running".equals(m.state())) {
            return m.streaming() ? "streaming" : "in archive recovery";
        }
        return m.state();
    }

    /**
     * LSNs as {@code X/Y} and lags in bytes behind the leader; a lag is "unknown" without a
     * leader or without a position for the member. {@code lag} uses the furthest of the two
     * positions, as failover does.
     */
    private static void putLag(Map<String, Object> json, MemberRecord m, Optional<Lsn> leaderPosition) {
        Lsn receive = WalPositions.orZero(m.receiveLsn());
        Lsn replay = WalPositions.orZero(m.replayLsn());
        if (!receive.equals(Lsn.ZERO)) {
            json.put("receive_lsn", receive.toString());
        }
        if (!replay.equals(Lsn.ZERO)) {
            json.put("replay_lsn", replay.toString());
        }
        json.put("receive_lag", lag(leaderPosition, receive));
        json.put("replay_lag", lag(leaderPosition, replay));
        json.put("lag", lag(leaderPosition, receive.isAfter(replay) ? receive : replay));
    }

    private static Object lag(Optional<Lsn> leaderPosition, Lsn position) {
        if (leaderPosition.isEmpty() || position.equals(Lsn.ZERO)) {
            return UNKNOWN_LAG;
        }
        return position.lagBehind(leaderPosition.get());
    }

    /**
     * Patroni's {@code api_url}: the URL of the member's status document, the REST base URL the
     * member publishes followed by {@code /patroni} (clients such as patronictl and HAProxy
     * templates fetch it as is). Null stays null.
     */
    static String patroniUrl(String baseUrl) {
        if (baseUrl == null) {
            return null;
        }
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return base.endsWith("/patroni") ? base : base + "/patroni";
    }

    /** Whole seconds as an integer, as Patroni's config has them; fractions as a decimal. */
    private static Number seconds(long millis) {
        return millis % 1000 == 0 ? (Number) (millis / 1000) : (Number) (millis / 1000.0);
    }
}
