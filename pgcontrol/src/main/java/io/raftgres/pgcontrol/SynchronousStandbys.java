package io.raftgres.pgcontrol;

import io.raftgres.core.model.Lsn;
import io.raftgres.core.sync.ReplicaRow;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the local server's {@code synchronous_standby_names} for the synchronous modes (on a
 * primary; on a standby without the lease gate, which holds a list no standby matches).
 * raftgres writes it with {@code ALTER SYSTEM} (postgresql.auto.conf, which overrides the rendered
 * postgresql.conf) and resets it to the rendered value in asynchronous mode, so a value in
 * postgresql.auto.conf is always raftgres' own. Every call opens one short session; thread-safe.
 */
public final class SynchronousStandbys {

    /** How long {@link #write} waits for the reload to show the new value. */
    static final Duration RELOAD_WAIT = Duration.ofSeconds(3);

    /**
     * The server's list now. {@code flushLsn} is the flushed WAL position on a primary, the replayed
     * one on a standby ({@code inRecovery}, where PostgreSQL ignores the list until a promotion).
     */
    public record Snapshot(String value, boolean fromAutoConf, Lsn flushLsn, List<ReplicaRow> rows,
                           boolean inRecovery) { }

    /** The flushed position on a primary, the replayed one on a standby (which has no flush function). */
    private static final String POSITION = "(case when pg_is_in_recovery() then coalesce(pg_last_wal_replay_lsn(), '0/0') else pg_current_wal_flush_lsn() end)::text";

    private final JdbcSessions sessions;

    SynchronousStandbys(JdbcSessions sessions) {
        this.sessions = sessions;
    }

    /** The current value, where it comes from, the flushed WAL position and pg_stat_replication. */
    public Snapshot read() throws SQLException {
        try (Connection c = sessions.local(JdbcSessions.PROBE); Statement st = c.createStatement()) {
            String value;
            boolean auto;
            try (ResultSet rs = st.executeQuery("select setting, coalesce(sourcefile, '') like '%postgresql.auto.conf'"
                    + " from pg_settings where name = 'synchronous_standby_names'")) {
                rs.next();
                value = rs.getString(1);
                auto = rs.getBoolean(2);
            }
            Lsn flush;
            boolean recovery;
            try (ResultSet rs = st.executeQuery("select " + POSITION + ", pg_is_in_recovery()")) {
                rs.next();
                flush = Lsn.parse(rs.getString(1));
                recovery = rs.getBoolean(2);
            }
            List<ReplicaRow> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("select application_name, state, sync_state, flush_lsn::text"
                    + " from pg_stat_replication order by application_name, pid")) {
                while (rs.next()) {
                    String flushed = rs.getString(4);
                    rows.add(new ReplicaRow(rs.getString(1), "streaming".equals(rs.getString(2)), rs.getString(3),
                            flushed == null ? Lsn.ZERO : Lsn.parse(flushed)));
                }
            }
            return new Snapshot(value, auto, flush, rows, recovery);
        }
    }

    /**
     * Sets {@code value} (empty: resets it to postgresql.conf's), reloads, waits until a new session
     * sees it, and returns the flushed WAL position read after that: every commit acknowledged before
     * the change is at or before it.
     *
     * @throws SQLException when PostgreSQL refuses or the new value does not show within {@link #RELOAD_WAIT}
     */
    public Lsn write(String value, boolean reset) throws SQLException {
        try (Connection c = sessions.local(JdbcSessions.PROBE); Statement st = c.createStatement()) {
            st.execute(reset ? "alter system reset synchronous_standby_names"
                    : "alter system set synchronous_standby_names = '" + value.replace("'", "''") + "'");
            st.execute("select pg_reload_conf()");
        }
        long deadline = System.nanoTime() + RELOAD_WAIT.toNanos();
        while (true) {
            try (Connection c = sessions.local(JdbcSessions.PROBE); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select setting, coalesce(sourcefile, '') like"
                         + " '%postgresql.auto.conf', " + POSITION + " from pg_settings"
                         + " where name = 'synchronous_standby_names'")) {
                rs.next();
                boolean shown = reset ? !rs.getBoolean(2) : rs.getBoolean(2) && value.equals(rs.getString(1));
                if (shown) {
                    return Lsn.parse(rs.getString(3));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new SQLException("synchronous_standby_names did not change within " + RELOAD_WAIT.toMillis()
                        + " ms of the reload");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for the reload", e);
            }
        }
    }
}
