package io.raftgres.pgcontrol;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * PostgreSQL's own account of parameters changed in the configuration files that wait for a
 * restart: {@code pg_settings.pending_restart}, with {@code current_setting()} (the value in
 * effect, in the unit the user writes, e.g. {@code 16MB}). A fresh session sees the state the
 * postmaster reached at its last reload. Stateless.
 */
final class PendingRestartQuery {

    private static final String SQL = "SELECT name, current_setting(name) FROM pg_catalog.pg_settings "
            + "WHERE pending_restart ORDER BY name";

    private PendingRestartQuery() {
    }

    /** Name to value in effect; empty when the server does not answer (it is then not reported). */
    static Map<String, String> run(JdbcSessions sessions) {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = sessions.local(JdbcSessions.PROBE); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(SQL)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            return Map.of();
        }
        return out;
    }
}
