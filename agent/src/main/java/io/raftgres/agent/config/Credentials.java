package io.raftgres.agent.config;

import java.util.List;
import java.util.Objects;

/**
 * A user name and password: the REST API's basic-auth user or one of the PostgreSQL users
 * (superuser, replication, rewind). {@link #toString()} masks the password, so a record
 * holding credentials can be logged; {@link RaftgresConfig#toDisplayMap()} masks it too.
 *
 * @param username login name, non-blank
 * @param password password, non-empty; never printed
 */
public record Credentials(String username, String password) {
    /** What every rendering shows instead of a password. */
    public static final String MASK = "******";

    static final List<String> KEYS = List.of("username", "password");

    public Credentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=" + MASK + "]";
    }

    /** Reads a section where both keys are required. */
    static Credentials readRequired(YamlSection s) {
        s.rejectUnknownKeys(KEYS, PatroniKeys.CREDENTIALS);
        return readPair(s);
    }

    private static Credentials readPair(YamlSection s) {
        String username = s.string("username", null);
        String password = s.secret("password", null);
        return username == null || password == null ? null : new Credentials(username, password);
    }

    /**
     * Reads a section where both keys or neither may be given; null for neither. One without
     * the other is refused: half a login is a typo, not a decision to disable authentication.
     */
    static Credentials readBothOrNeither(YamlSection s) {
        s.rejectUnknownKeys(KEYS, PatroniKeys.CREDENTIALS);
        if (!s.has("username") && !s.has("password")) {
            return null;
        }
        if (!s.has("password")) {
            s.problem("password", "missing: give both username and password, or neither");
            return null;
        }
        if (!s.has("username")) {
            s.problem("username", "missing: give both username and password, or neither");
            return null;
        }
        return readPair(s);
    }
}
