package io.raftgres.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that trickles its request (one byte every 200 ms) is cut off by the request deadline
 * ({@link RequestDeadline}, 1 s here), and a normal client is served while it trickles.
 *
 * <p>Shown to fail: without the deadline handlers in {@link ConnectionCustomizer}, the trickling
 * connection stays open for the whole 8 s trickle and the test fails.
 */
class SlowClientTest {

    private static final Duration DEADLINE = Duration.ofSeconds(1);

    @Test
    void aTricklingBodyIsCutOffWhileOthersAreServed() throws Exception {
        assertCutOff("PATCH /config HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 400\r\n\r\n{\"loop_wait\": ", " ");
    }

    @Test
    void tricklingHeadersAreCutOffToo() throws Exception {
        assertCutOff("GET /patroni HTTP/1.1\r\nHost: x\r\n", "X");
    }

    private static void assertCutOff(String start, String trickle) throws Exception {
        FakeAgentFacade facade = new FakeAgentFacade(Snapshots.primary().build());
        try (RestServer server = RestServer.start("127.0.0.1", 0, facade, new RaftgresMetrics("demo", "n1",
                () -> LiveReadings.NONE), RestSecurity.writesOnly(WriteAuthentication.unauthenticatedWrites()), DEADLINE);
             Socket slow = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            slow.setSoTimeout(100);
            OutputStream out = slow.getOutputStream();
            InputStream in = slow.getInputStream();
            out.write(start.getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            boolean closed = false;
            int served = 0;
            while (!closed && System.nanoTime() - started < Duration.ofSeconds(8).toNanos()) {
                try {
                    out.write(trickle.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    closed = in.read() == -1;
                } catch (java.net.SocketTimeoutException e) {
                    // still open
                } catch (SocketException e) {
                    closed = true;
                }
                if (!closed && served < 3) {
                    assertEquals(200, new ApiClient(server.port()).status("GET", "/patroni"),
                            "another client is served while one trickles");
                    served++;
                }
                Thread.sleep(100);
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("trickling client cut off after %d ms (deadline %d ms)%n", millis, DEADLINE.toMillis());
            assertTrue(closed, "the trickling connection is still open after " + millis + " ms");
            assertTrue(millis >= DEADLINE.toMillis() - 100, "cut off too early: " + millis + " ms");
            assertTrue(served >= 1, "no other client was served meanwhile");
            assertEquals(0, facade.writes());
        }
    }
}
