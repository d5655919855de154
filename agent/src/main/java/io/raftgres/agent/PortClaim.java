package io.raftgres.agent;

import io.raftgres.agent.config.HostPort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The REST API's port, held while the agent runs its start-up fence and before the API itself
 * starts. A second agent started by mistake on a running member's configuration finds the port taken
 * and stops here, before it could stop that member's PostgreSQL; and the fence runs before the HTTP
 * server's seconds of start-up, so an orphan left by a killed agent is stopped sooner. The port is
 * released just before the server binds it: an agent that slips in between is a restart of this
 * member's agent, whose own fence then finds PostgreSQL already stopped. Not thread-safe.
 */
final class PortClaim implements AutoCloseable {

    private final ServerSocket socket;

    private PortClaim(ServerSocket socket) {
        this.socket = socket;
    }

    /** @throws IllegalStateException when the port cannot be bound (the message names it) */
    static PortClaim of(HostPort listen) {
        ServerSocket socket = null;
        try {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(listen.isWildcard() ? new InetSocketAddress(listen.port())
                    : new InetSocketAddress(listen.host(), listen.port()));
            return new PortClaim(socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new IllegalStateException("restapi.listen " + listen + " cannot be bound (" + e.getMessage()
                    + "): is another agent running with this configuration?", e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing bound, nothing to release
            }
        }
    }
}
