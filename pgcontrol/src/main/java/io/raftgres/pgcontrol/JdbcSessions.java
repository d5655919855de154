package io.raftgres.pgcontrol;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * Opens short-lived JDBC connections over TCP: to the local PostgreSQL as the superuser, or to another
 * member. Every connection has a connect timeout of 1 s and the socket timeout the caller asks for, so a
 * hung server costs a bounded wait. Thread-safe; callers close what they open.
 */
final class JdbcSessions {

    /** Socket timeout for probes: observe() must come back quickly even when PostgreSQL hangs. */
    static final Duration PROBE = Duration.ofSeconds(2);
    private static final int CONNECT_TIMEOUT_SECONDS = 1;

    private final PgControlConfig config;

    JdbcSessions(PgControlConfig config) {
        this.config = config;
    }

    /** The local server as the superuser, over TCP at its listen address. */
    Connection local(Duration socketTimeout) throws SQLException {
        return open(EnforcedParameters.localConnectHost(config.listenHost()), config.port(), config.superuser(),
                socketTimeout);
    }

    /** Another member's server (database postgres) as {@code role}. */
    Connection open(String host, int port, PgCredentials role, Duration socketTimeout) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", role.username());
        props.setProperty("password", role.password());
        props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", Long.toString(Math.max(1, PROBE.toSeconds())));
        props.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
        props.setProperty("ApplicationName", "raftgres-" + config.memberName());
        props.setProperty("assumeMinServerVersion", "15");
        // The agent's own writes (roles at bootstrap, slots) must never wait for a synchronous
        // standby: at bootstrap none can exist until the replication role does.
        props.setProperty("options", "-c synchronous_commit=local");
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return DriverManager.getConnection("jdbc:postgresql://" + hostPart + ":" + port + "/postgres", props);
    }
}
