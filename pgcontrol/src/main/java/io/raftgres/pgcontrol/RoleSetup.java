package io.raftgres.pgcontrol;

import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Creates the roles a new cluster needs, on the freshly bootstrapped primary: sets the superuser's
 * password, creates the replication role (REPLICATION LOGIN) and the rewind role with the function
 * grants pg_rewind needs from a non-superuser (PostgreSQL 11+). Idempotent. Passwords are hashed
 * (SCRAM) by the driver before they are sent, so they never appear in the server's statement log.
 */
final class RoleSetup {

    private static final List<String> REWIND_FUNCTIONS = List.of(
            "pg_catalog.pg_ls_dir(text, boolean, boolean)",
            "pg_catalog.pg_stat_file(text, boolean)",
            "pg_catalog.pg_read_binary_file(text)",
            "pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)");
    private static final String PASSWORD_ENCRYPTION = "scram-sha-256";

    private RoleSetup() {
    }

    static void createRoles(Connection c, PgControlConfig config) throws SQLException {
        setPassword(c, config.superuser());
        PgCredentials replication = config.replication();
        if (!replication.username().equals(config.superuser().username())) {
            ensureRole(c, replication.username(), "LOGIN REPLICATION");
            setPassword(c, replication);
        }
        if (config.hasSeparateRewindRole()) {
            PgCredentials rewind = config.rewind();
            boolean sameAsReplication = rewind.username().equals(replication.username());
            ensureRole(c, rewind.username(), sameAsReplication ? "LOGIN REPLICATION" : "LOGIN");
            setPassword(c, rewind);
            try (Statement st = c.createStatement()) {
                for (String function : REWIND_FUNCTIONS) {
                    st.execute("GRANT EXECUTE ON FUNCTION " + function + " TO " + identifier(rewind.username()));
                }
            }
        }
    }

    private static void ensureRole(Connection c, String name, String options) throws SQLException {
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement("select 1 from pg_roles where rolname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + identifier(name) + " WITH " + options);
        }
    }

    private static void setPassword(Connection c, PgCredentials role) throws SQLException {
        c.unwrap(PGConnection.class).alterUserPassword(role.username(), role.password().toCharArray(),
                PASSWORD_ENCRYPTION);
    }

    static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
