package io.raftgres.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;

/**
 * Who may call the write endpoints (POST, PUT, PATCH, DELETE): HTTP basic authentication with
 * one user, or, only when the operator said so explicitly, anyone. Reads (GET, HEAD, OPTIONS)
 * and health checks are always open. {@link #toString()} never shows the password.
 */
public final class WriteAuthentication {

    /** User and expected credentials, swapped together by {@link #replaceWith}. */
    private record Secret(String username, byte[] expected) { }

    private volatile Secret secret;

    private WriteAuthentication(String username, byte[] expected) {
        this.secret = new Secret(username, expected);
    }

    /**
     * From now on, accepts what {@code next} accepts ({@code POST /reload} of changed
     * {@code restapi.authentication}); requests already checked are not affected.
     */
    public void replaceWith(WriteAuthentication next) {
        this.secret = next.secret;
    }

    /** Write endpoints demand {@code username:password} in an {@code Authorization: Basic} header. */
    public static WriteAuthentication basic(String username, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (username.isEmpty() || password.isEmpty() || username.contains(":")) {
            throw new IllegalArgumentException("REST authentication needs a non-empty username without ':' and a "
                    + "non-empty password");
        }
        return new WriteAuthentication(username, (username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Write endpoints are open to anyone who reaches the port (restapi.allow_unauthenticated_writes). */
    public static WriteAuthentication unauthenticatedWrites() {
        return new WriteAuthentication(null, null);
    }

    boolean required() {
        return secret.expected() != null;
    }

    /**
     * Whether an {@code Authorization} header value carries the configured user and password.
     * The comparison takes the same time wherever the first difference is (MessageDigest.isEqual).
     */
    boolean accepts(String authorization) {
        byte[] expected = secret.expected();
        if (expected == null) {
            return true;
        }
        if (authorization == null || authorization.length() < 6
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, given);
    }

    @Override
    public String toString() {
        Secret s = secret;
        return s.expected() == null ? "writes without authentication" : "basic authentication as " + s.username();
    }
}
