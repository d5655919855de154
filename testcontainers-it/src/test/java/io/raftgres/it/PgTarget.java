package io.raftgres.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Where a test client connects: one address (a member, or the VIP) or several with PgJDBC's
 * {@code targetServerType=primary}, which picks whichever is writable. Immutable.
 *
 * @param hosts       candidate endpoints, tried in order
 * @param primaryOnly accept only a server that is not read-only
 */
public record PgTarget(List<HostPort> hosts, boolean primaryOnly) {

    /** Connect timeout: short, because a frozen or cut-off server must not stall the writer. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Read timeout: a commit that hangs longer counts as failed (not acknowledged). */
    public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(2);

    public PgTarget {
        hosts = List.copyOf(hosts);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a target needs at least one host");
        }
    }

    /** Exactly this server, whatever its role. */
    public static PgTarget direct(HostPort host) {
        return new PgTarget(List.of(host), false);
    }

    /** Whichever of these servers is the writable primary. */
    public static PgTarget primaryAmong(List<HostPort> hosts) {
        return new PgTarget(hosts, true);
    }

    public String url() {
        String list = hosts.stream().map(HostPort::toString).collect(Collectors.joining(","));
        return "jdbc:postgresql://" + list + "/" + ItCredentials.DATABASE;
    }

    /** Opens an auto-commit connection as the superuser; each statement commits on its own. */
    public Connection connect(String applicationName) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", ItCredentials.SUPERUSER);
        p.setProperty("password", ItCredentials.SUPERUSER_PASSWORD);
        p.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        p.setProperty("loginTimeout", Long.toString(SOCKET_TIMEOUT.toSeconds()));
        p.setProperty("socketTimeout", Long.toString(SOCKET_TIMEOUT.toSeconds()));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("targetServerType", primaryOnly ? "primary" : "any");
        p.setProperty("hostRecheckSeconds", "1");
        return DriverManager.getConnection(url(), p);
    }

    @Override
    public String toString() {
        return (primaryOnly ? "primary of " : "") + hosts;
    }
}
