package io.raftgres.agent.config;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The {@code restapi} section: where the REST API listens and the URL other members and
 * {@code raftgresctl} use to reach it.
 *
 * @param listen         address the HTTP server binds (default {@code 127.0.0.1:8008})
 * @param connectAddress address advertised to others; defaults to {@code listen}, and must be
 *                       given when {@code listen} is a wildcard
 * @param authentication basic-auth user for write endpoints, or null when none is configured
 * @param allowUnauthenticatedWrites {@code allow_unauthenticated_writes}: the operator's explicit
 *                       consent to write endpoints without authentication; without it (and
 *                       without {@code authentication}) the agent refuses to start
 * @param security       the rest of the access rules and HTTPS (see {@link RestSecurityConfig})
 */
public record RestApiConfig(HostPort listen, HostPort connectAddress, Credentials authentication,
                            boolean allowUnauthenticatedWrites, RestSecurityConfig security) {
    static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 8008);
    static final List<String> KEYS = java.util.stream.Stream.concat(Stream.of("listen", "connect_address",
            "authentication", "allow_unauthenticated_writes"), RestSecurityConfig.KEYS.stream()).toList();

    /** Write endpoints require authentication (no explicit consent to open writes). */
    public RestApiConfig(HostPort listen, HostPort connectAddress, Credentials authentication) {
        this(listen, connectAddress, authentication, false, RestSecurityConfig.NONE);
    }

    public RestApiConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(connectAddress, "connectAddress");
        Objects.requireNonNull(security, "security");
    }

    /** Whether write endpoints demand basic authentication. */
    public boolean requiresAuthentication() {
        return authentication != null;
    }

    /** The base URL members publish for this API, e.g. {@code http://10.0.0.1:8008}. */
    public String url() {
        return (security.tls() == null ? "http://" : "https://") + connectAddress;
    }

    static RestApiConfig read(YamlSection s) {
        int before = s.problems().count();
        s.rejectUnknownKeys(KEYS);
        HostPort listen = s.hostPort("listen", DEFAULT_LISTEN);
        HostPort connect = readConnectAddress(s, listen);
        Credentials auth = s.section("authentication").map(Credentials::readBothOrNeither).orElse(null);
        Boolean open = s.bool("allow_unauthenticated_writes", false);
        RestSecurityConfig security = RestSecurityConfig.read(s, auth != null);
        return s.problems().count() == before
                ? new RestApiConfig(listen, connect, auth, Boolean.TRUE.equals(open), security) : null;
    }

    /**
     * Reads {@code connect_address}, defaulting to {@code listen}. A wildcard cannot be the
     * default: other members cannot connect to {@code 0.0.0.0}. Shared with {@link PostgresqlConfig}.
     */
    static HostPort readConnectAddress(YamlSection s, HostPort listen) {
        if (s.has("connect_address")) {
            HostPort connect = s.hostPort("connect_address", null);
            if (connect != null && connect.isWildcard()) {
                s.problem("connect_address", "must be an address other members can reach, not the wildcard "
                        + connect.host());
                return null;
            }
            return connect;
        }
        if (listen != null && listen.isWildcard()) {
            s.problem("connect_address", "missing: required when listen (" + listen
                    + ") binds every address, since other members cannot connect to a wildcard");
            return null;
        }
        return listen;
    }
}
