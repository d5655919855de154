package io.raftgres.raft;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder for one direction of traffic between two Raft peers. {@link #cut()}
 * makes it a black hole, like a firewall DROP rule: connections stay open, bytes vanish, and
 * new connections are accepted but carry nothing. {@link #heal()} resumes forwarding.
 * {@link #unreachable()} is a host that went away behind a DROP rule: open connections end and
 * new connections hang in the handshake (the listener's accept queue is full, so the kernel
 * drops their SYNs), which is what makes a client's connect wait for its timeout.
 * Threads are virtual and end when their sockets close.
 */
final class TcpForwarder implements AutoCloseable {

    private volatile ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Socket> queued = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;

    TcpForwarder(int targetPort) throws IOException {
        this.targetPort = targetPort;
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true); // inherited by accepted sockets, so unreachable() can take the port over
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        this.listener = s;
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

    /**
     * Ends open connections and makes new ones hang: the port is taken over by a listener with a
     * one-slot accept queue that is filled and never served. Not undone by {@link #heal()}.
     */
    void unreachable() throws IOException {
        cut();
        int port = port();
        listener.close();
        sockets.forEach(this::closeQuietly);
        listener = bindTarpit(port);
        for (int i = 0; i < 5; i++) {
            Socket filler = new Socket();
            queued.add(filler);
            try {
                filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            } catch (SocketTimeoutException full) {
                return; // the queue is full: SYNs are dropped from now on
            }
        }
        throw new IOException("could not fill the accept queue of port " + port);
    }

    /** Binds {@code port} again; the old listener's descriptor is released when its accept thread wakes. */
    private static ServerSocket bindTarpit(int port) throws IOException {
        for (int attempt = 0; ; attempt++) {
            ServerSocket tarpit = new ServerSocket();
            tarpit.setReuseAddress(true);
            try {
                tarpit.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return tarpit;
            } catch (java.net.BindException e) {
                tarpit.close();
                if (attempt == 50) {
                    throw e;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void acceptLoop() {
        ServerSocket listener = this.listener;
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
        queued.forEach(this::closeQuietly);
    }
}
