package io.raftgres.pgcontrol;

import io.raftgres.core.model.Activity;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the local PostgreSQL's state: files in PGDATA, pg_controldata, and one SQL query when the
 * server accepts connections. Never throws; failures become {@code probeError} or empty results.
 * Thread-safe (no mutable state); each call opens and closes its own connection.
 */
final class PgStateProbe {

    private static final Logger log = LoggerFactory.getLogger(PgStateProbe.class);
    private static final Duration CONTROLDATA_TIMEOUT = Duration.ofSeconds(5);
    private static final String STATE_QUERY = """
            select pg_is_in_recovery(),
                   current_setting('server_version_num')::int,
                   case when pg_is_in_recovery() then null else pg_current_wal_lsn()::text end,
                   case when pg_is_in_recovery() then null
                        else substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) end,
                   pg_last_wal_receive_lsn()::text,
                   pg_last_wal_replay_lsn()::text,
                   greatest((select timeline_id from pg_control_checkpoint()),
                            (select min_recovery_end_timeline from pg_control_recovery())),
                   r.status,
                   r.received_tli,
                   (extract(epoch from pg_last_xact_replay_timestamp()) * 1000)::bigint,
                   case when pg_is_in_recovery() then pg_is_wal_replay_paused() else false end,
                   exists (select 1 from pg_stat_activity where backend_type = 'walreceiver')
              from (select 1) one left join pg_stat_wal_receiver r on true""";

    private final PgControlConfig config;
    private final ToolRunner tools;
    private final JdbcSessions sessions;

    PgStateProbe(PgControlConfig config, ToolRunner tools, JdbcSessions sessions) {
        this.config = config;
        this.tools = tools;
        this.sessions = sessions;
    }

    /** What the server reported over SQL; only exists while it accepts connections. */
    private record Live(boolean inRecovery, int version, long timeline, Lsn writeLsn, Lsn replayLsn,
                        boolean streaming, Long replayTimestampMillis, boolean replayPaused, boolean receiverProcess) {
    }

    LocalPgState observe() {
        try {
            return probe();
        } catch (RuntimeException e) {
            return state(Files.exists(config.dataDir().resolve("PG_VERSION")), null, ControlState.UNKNOWN,
                    false, false, 0, Lsn.ZERO, Lsn.ZERO, false, null, null, 0, null, false, "probe failed: " + e);
        }
    }

    private LocalPgState probe() {
        Path dataDir = config.dataDir();
        if (!Files.exists(dataDir.resolve("PG_VERSION")) || CloneMarker.presentIn(config.runDir())) {
            // No data directory, or only the partial copy of a clone cut short (see CloneMarker):
            // nothing to start; the next clone removes it.
            return LocalPgState.empty();
        }
        List<String> errors = new ArrayList<>();
        ControlData control = readControlData(errors);
        Live live = null;
        try (Connection c = sessions.local(JdbcSessions.PROBE)) {
            live = query(c);
        } catch (SQLException e) {
            if (Files.exists(dataDir.resolve("postmaster.pid"))) {
                errors.add("postmaster.pid exists but PostgreSQL does not accept connections: " + e.getMessage());
            }
        }
        long timeline = live != null ? live.timeline() : control.timeline();
        Lsn write = live != null ? live.writeLsn() : control.position();
        Lsn replay = live != null ? live.replayLsn() : control.position();
        TimelineHistory.Entry timelineStart = null;
        try {
            timelineStart = TimelineHistory.startOf(dataDir, timeline).orElse(null);
        } catch (UncheckedIOException e) {
            errors.add(e.getMessage());
        }
        String upstream = null;
        boolean upstreamUnread = false;
        try {
            upstream = configuredUpstream().orElse(null);
        } catch (UncheckedIOException e) {
            errors.add(e.getMessage());
            upstreamUnread = true;
        }
        // With no upstream configured (detached, or about to be promoted) any WAL receiver process that
        // still exists counts as streaming: pg_stat_wal_receiver hides one that has not connected yet, and
        // one that is stopping may still confirm a flush to the upstream it had (ReceiverStopWait).
        // An unreadable configuration may name an upstream the next receiver connects to: not detached either.
        boolean streaming = live != null && (live.streaming() || upstream == null && (live.receiverProcess()
                || upstreamUnread && live.inRecovery()));
        return state(true, control.systemId(), control.state(), live != null,
                live != null && live.inRecovery(), timeline, write, replay, streaming,
                upstream, timelineStart, live != null ? live.version() : 0,
                live != null ? live.replayTimestampMillis() : null, live != null && live.replayPaused(),
                errors.isEmpty() ? null : String.join("; ", errors));
    }

    /** A LocalPgState with the agent's fields (activity, failures, downSince) left at their neutral values. */
    private static LocalPgState state(boolean hasDataDirectory, String systemId, ControlState controlState,
                                      boolean running, boolean inRecovery, long timeline, Lsn writeLsn,
                                      Lsn replayLsn, boolean streaming, String upstream,
                                      TimelineHistory.Entry timelineStart, int serverVersion,
                                      Long replayTimestampMillis, boolean replayPaused, String probeError) {
        return new LocalPgState(hasDataDirectory, systemId, controlState, running, inRecovery, timeline, writeLsn,
                replayLsn, streaming, upstream, timelineStart == null ? null : timelineStart.switchPoint(),
                Activity.NONE, null, Activity.NONE, -1, serverVersion, probeError, replayTimestampMillis,
                timelineStart == null ? null : timelineStart.reason(), false, null, null, replayPaused);
    }

    /** pg_controldata of the data directory; {@link ControlData#NONE} when it cannot be read. */
    ControlData controlData() {
        return readControlData(new ArrayList<>());
    }

    private ControlData readControlData(List<String> errors) {
        ToolRunner.ToolResult result = tools.run("pg_controldata", List.of("-D", config.dataDir().toString()),
                Map.of(), CONTROLDATA_TIMEOUT);
        if (!result.succeeded()) {
            errors.add(result.describe());
            return ControlData.NONE;
        }
        return ControlData.parse(result.output());
    }

    private Live query(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(STATE_QUERY)) {
            rs.next();
            boolean inRecovery = rs.getBoolean(1);
            int version = rs.getInt(2);
            if (!inRecovery) {
                Lsn current = Lsn.parse(rs.getString(3));
                return new Live(false, version, Long.parseLong(rs.getString(4), 16), current, current, false, null, false,
                        false);
            }
            Lsn received = lsnOrNull(rs.getString(5));
            Lsn replayed = lsnOrNull(rs.getString(6));
            long receivedTli = rs.getLong(9);
            long timeline = receivedTli > 0 ? receivedTli : replayedTimeline(rs.getLong(7), replayed);
            Lsn write = received != null ? received : replayed != null ? replayed : Lsn.ZERO;
            long replayedMillis = rs.getLong(10);
            Long replayedAt = rs.wasNull() ? null : replayedMillis; // before any other getter: wasNull is the last one's
            return new Live(true, version, timeline, write, replayed != null ? replayed : Lsn.ZERO,
                    "streaming".equals(rs.getString(8)), replayedAt, rs.getBoolean(11), rs.getBoolean(12));
        }
    }

    /**
     * The timeline a standby without a WAL receiver replays on. pg_control's timeline moves only at a
     * restartpoint, so after its upstream stopped (a switchover) a standby that already followed the
     * upstream onto a newer timeline would report the old one, and its replay position would look
     * past that old timeline's end (diverged). Walks the history files the standby fetched: the next
     * timeline counts once replay reached where it began; raftgres' placeholders are skipped.
     */
    private long replayedTimeline(long controlTimeline, Lsn replayed) {
        long timeline = controlTimeline;
        if (replayed == null || timeline <= 0) {
            return timeline;
        }
        try {
            for (long t = timeline + 1; ; t++) {
                if (TimelineReservation.isPlaceholder(config.dataDir(), t)) {
                    continue; // a number a promotion reserved and skipped: no server runs it
                }
                var next = TimelineHistory.startOf(config.dataDir(), t);
                if (next.isEmpty() || next.get().parentTimeline() != timeline
                        || next.get().switchPoint().isAfter(replayed)) {
                    return timeline;
                }
                timeline = t;
            }
        } catch (UncheckedIOException e) {
            return timeline;
        }
    }

    /** The member this data directory follows: only a standby (standby.signal present) follows anyone. */
    Optional<String> configuredUpstream() {
        Path dataDir = config.dataDir();
        Path conf = dataDir.resolve("postgresql.conf");
        if (!Files.exists(dataDir.resolve("standby.signal")) || !Files.isRegularFile(conf)) {
            return Optional.empty();
        }
        try {
            return PgConfigRenderer.upstreamOf(Files.readString(conf, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + conf, e);
        }
    }

    /** pg_is_in_recovery() of the local server; empty when it does not answer. */
    Optional<Boolean> inRecovery() {
        try (Connection c = sessions.local(JdbcSessions.PROBE); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select pg_is_in_recovery()")) {
            rs.next();
            return Optional.of(rs.getBoolean(1));
        } catch (SQLException e) {
            log.debug("pg_is_in_recovery() not answered: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The WAL receiver's process id (from pg_stat_activity, which lists it in every state, unlike
     * pg_stat_wal_receiver before it connected): 0 when none runs, -1 when the server does not answer.
     */
    long walReceiverPid() {
        String sql = "select coalesce(max(pid), 0) from pg_stat_activity where backend_type = 'walreceiver'";
        try (Connection c = sessions.local(JdbcSessions.PROBE); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            log.debug("pg_stat_activity not answered: {}", e.getMessage());
            return -1;
        }
    }

    List<WalSender> walSenders() {
        String sql = "select usename, application_name, client_addr::text, state, sync_state, sync_priority"
                + " from pg_stat_replication order by application_name, pid";
        try (Connection c = sessions.local(JdbcSessions.PROBE); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            List<WalSender> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new WalSender(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6)));
            }
            return out;
        } catch (SQLException e) {
            log.debug("pg_stat_replication not readable: {}", e.getMessage());
            return List.of();
        }
    }

    Optional<Long> postmasterStartMillis() {
        String sql = "select (extract(epoch from pg_postmaster_start_time()) * 1000)::bigint";
        try (Connection c = sessions.local(JdbcSessions.PROBE); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return Optional.of(rs.getLong(1));
        } catch (SQLException e) {
            log.debug("pg_postmaster_start_time() not answered: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private static Lsn lsnOrNull(String text) {
        return text == null ? null : Lsn.parse(text);
    }
}
