package io.raftgres.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lifecycle of the server: start, bind, serve, stop, and how it refuses bad arguments. */
class RestServerTest {

    @Test
    void startsOnAFreePortServesAndStopsListeningOnClose() {
        FakeAgentFacade facade = new FakeAgentFacade(Snapshots.primary().build());
        long before = usedHeapAfterGc();
        long started = System.nanoTime();
        RestServer server = RestServer.start("127.0.0.1", 0, facade, WriteAuthentication.unauthenticatedWrites());
        long startMillis = (System.nanoTime() - started) / 1_000_000;
        int port = server.port();
        try {
            assertTrue(port > 0, "bound port " + port);
            assertEquals(200, new ApiClient(port).status("GET", "/primary"));
            assertTrue(facade.calls() >= 1, "the check read the facade");
            long heapKb = (usedHeapAfterGc() - before) / 1024;
            System.out.printf("RestServer start: %d ms, heap retained by the running server: %d KiB%n",
                    startMillis, heapKb);
            assertTrue(startMillis < 15_000, "startup took " + startMillis + " ms");
        } finally {
            server.close();
        }
        server.close(); // idempotent
        assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    }

    @Test
    void reportsAPortInUseNamingTheAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            FakeAgentFacade facade = new FakeAgentFacade(Snapshots.primary().build());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> RestServer.start("127.0.0.1", taken.getLocalPort(), facade, WriteAuthentication.unauthenticatedWrites()));
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void rejectsBadArgumentsBeforeStartingAnything() {
        FakeAgentFacade facade = new FakeAgentFacade(Snapshots.primary().build());
        assertThrows(IllegalArgumentException.class, () -> RestServer.start(" ", 0, facade, WriteAuthentication.unauthenticatedWrites()));
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> RestServer.start("127.0.0.1", 70_000, facade, WriteAuthentication.unauthenticatedWrites()));
        assertTrue(port.getMessage().contains("70000"), port.getMessage());
        assertThrows(NullPointerException.class, () -> RestServer.start("127.0.0.1", 0, null, WriteAuthentication.unauthenticatedWrites()));
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
