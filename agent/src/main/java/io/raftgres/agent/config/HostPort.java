package io.raftgres.agent.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code host:port} address from the configuration: a listen address or one a member
 * advertises to the others. IPv6 literals are written in brackets ({@code [::1]:5432}) and
 * stored without them; {@link #toString()} adds them back.
 *
 * <p>Invariants: the host is non-blank text without spaces and the port is 1–65535.
 *
 * @param host host name, IPv4 literal, IPv6 literal (no brackets), or a wildcard
 * @param port TCP port, 1–65535
 */
public record HostPort(String host, int port) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._*-]+");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");
    private static final Set<String> WILDCARDS = Set.of("*", "0.0.0.0", "::");

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("host must be non-blank text without spaces, got '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, got " + port);
        }
    }

    /**
     * Parses {@code host:port} or {@code [ipv6]:port}.
     *
     * @throws IllegalArgumentException with a one-line reason fit for a {@link ConfigProblem}
     */
    public static HostPort parse(String text) {
        String value = text.strip();
        String host;
        String port;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0 || close + 1 >= value.length() || value.charAt(close + 1) != ':') {
                throw new IllegalArgumentException(expected(text));
            }
            host = value.substring(1, close);
            port = value.substring(close + 2);
            if (!IPV6.matcher(host).matches() || !host.contains(":")) {
                throw new IllegalArgumentException("'" + host + "' in brackets is not an IPv6 address");
            }
        } else {
            int colon = value.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("missing port: " + expected(text));
            }
            host = value.substring(0, colon);
            port = value.substring(colon + 1);
            if (host.contains(":")) {
                throw new IllegalArgumentException("an IPv6 address needs brackets, e.g. [::1]:5432, got '"
                        + text + "'");
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("missing host: " + expected(text));
            }
            if (!NAME.matcher(host).matches()) {
                throw new IllegalArgumentException("'" + host + "' is not a valid host name or address");
            }
        }
        return new HostPort(host, parsePort(port, text));
    }

    /** Whether this binds every interface; such an address cannot be advertised to other members. */
    public boolean isWildcard() {
        return WILDCARDS.contains(host);
    }

    /** Whether both name the same host (case-insensitively) and port. */
    public boolean sameEndpoint(HostPort other) {
        return port == other.port && host.toLowerCase(Locale.ROOT).equals(other.host.toLowerCase(Locale.ROOT));
    }

    /** Whether a server bound to this address and one bound to {@code other} would collide. */
    public boolean overlaps(HostPort other) {
        return port == other.port && (isWildcard() || other.isWildcard() || sameEndpoint(other));
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }

    private static int parsePort(String port, String text) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("port must be a number between 1 and 65535 in '" + text + "'");
        }
        int value = Integer.parseInt(port);
        if (value < 1 || value > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, got " + value);
        }
        return value;
    }

    private static String expected(String text) {
        return "expected host:port or [ipv6]:port, got '" + text + "'";
    }
}
