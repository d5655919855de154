package io.raftgres.raft;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder for one direction of traffic between two Raft peers. {@link #cut()}
 * makes it a black hole, like a firewall DROP rule: connections stay open, bytes vanish, and
 * new connections are accepted but carry nothing. {@link #heal()} resumes forwarding.
 * Threads are virtual and end when their sockets close.
 */
final class TcpForwarder implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;

    TcpForwarder(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("forwarder-accept-" + port()).start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    void cut() {
        cut = true;
    }

    void heal() {
        cut = false;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket in;
            try {
                in = listener.accept();
            } catch (IOException e) {
                return; // listener closed
            }
            try {
                Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(in);
                sockets.add(out);
                Thread.ofVirtual().start(() -> pump(in, out));
                Thread.ofVirtual().start(() -> pump(out, in));
            } catch (IOException e) {
                closeQuietly(in); // target not listening (stopped server): refuse like a closed port
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (!cut) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side closed; close both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // closing a loopback test socket; nothing to report
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(this::closeQuietly);
    }
}
