package io.raftgres.it;

import java.util.Objects;

/**
 * A TCP endpoint as the test JVM reaches it (a container's static address on the suite's
 * network, or a VIP). Immutable.
 *
 * @param host IP address or name
 * @param port TCP port, 1..65535
 */
public record HostPort(String host, int port) {

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
