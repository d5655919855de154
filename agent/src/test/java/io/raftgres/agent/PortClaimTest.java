package io.raftgres.agent;

import io.raftgres.agent.config.HostPort;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST port claim that guards the start-up fence against a second agent on the same member. */
class PortClaimTest {

    @Test
    void aSecondClaimOnTheSamePortFailsAndNamesTheSetting() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        HostPort listen = new HostPort("127.0.0.1", port);
        try (PortClaim first = PortClaim.of(listen)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> PortClaim.of(listen));
            assertTrue(e.getMessage().startsWith("restapi.listen 127.0.0.1:" + port + " cannot be bound"), e.getMessage());
            assertTrue(e.getMessage().contains("another agent"), e.getMessage());
        }
        // Released: the HTTP server (here a plain socket) binds the same port at once.
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            assertDoesNotThrow(() -> server.bind(new java.net.InetSocketAddress("127.0.0.1", port)));
        }
    }

    @Test
    void aWildcardClaimHoldsThePortOnLoopbackToo() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (PortClaim wildcard = PortClaim.of(new HostPort("0.0.0.0", port))) {
            assertThrows(IllegalStateException.class, () -> PortClaim.of(new HostPort("127.0.0.1", port)));
        }
    }
}
