package io.raftgres.pgcontrol;

import java.util.Objects;

/**
 * A PostgreSQL role name and its password. Immutable; {@link #toString()} never shows the password,
 * so a credentials value can appear in log lines and exception messages safely.
 *
 * @param username role name; non-blank, no control characters
 * @param password clear-text password; non-empty (the roles authenticate with scram-sha-256)
 */
public record PgCredentials(String username, String password) {

    public PgCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password of " + username);
        if (username.isBlank() || username.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("PostgreSQL role name must be non-blank without control characters: '"
                    + username + "'");
        }
        if (password.isEmpty() || password.chars().anyMatch(c -> c == '\n' || c == '\r' || c == 0)) {
            throw new IllegalArgumentException("password of role " + username
                    + " must be non-empty and on one line");
        }
    }

    @Override
    public String toString() {
        return "PgCredentials[username=" + username + ", password=***]";
    }
}
