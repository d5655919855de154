package io.raftgres.api;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Request header sizes, over a raw socket so that no client library trims or refuses them.
 * Load balancers and proxies forward requests with large headers (cookies, tracing, auth
 * tokens): nginx allows up to 32 KB, AWS ALB 64 KB. Before the limit was raised, an 8 KB
 * header line was refused with 413 (Payload Too Large, which names the body); the status for
 * headers is 431 (RFC 6585), and 414 for a request line too long.
 */
class RequestHeaderLimitTest {

    private static RestServer server;

    @BeforeAll
    static void startServer() {
        server = RestServer.start("127.0.0.1", 0, new FakeAgentFacade(Snapshots.primary().build()),
                WriteAuthentication.unauthenticatedWrites());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void headersUpToTheLimitAreServed() throws IOException {
        assertEquals(200, statusWithHeaderOf(8 * 1024));
        assertEquals(200, statusWithHeaderOf(RestServer.MAX_HEADER_BYTES - 1024));
    }

    @Test
    void headersOverTheLimitGet431() throws IOException {
        assertEquals(431, statusWithHeaderOf(RestServer.MAX_HEADER_BYTES + 1024));
    }

    @Test
    void aRequestLineOverTheLineLimitGets414() throws IOException {
        assertEquals(414, statusOf("GET /primary?tag_x=" + "a".repeat(16 * 1024) + " HTTP/1.1", ""));
    }

    /** GET /primary with one {@code X-Filler} header whose value has {@code bytes} characters. */
    private static int statusWithHeaderOf(int bytes) throws IOException {
        return statusOf("GET /primary HTTP/1.1", "X-Filler: " + "a".repeat(bytes) + "\r\n");
    }

    private static int statusOf(String requestLine, String extraHeaders) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5_000);
            String request = requestLine + "\r\nHost: 127.0.0.1\r\n" + extraHeaders + "Connection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            if (statusLine == null) {
                throw new AssertionError("the server closed the connection without a status line");
            }
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }
}
