package io.raftgres.raft;

import static org.junit.jupiter.api.Assertions.fail;

import io.raftgres.core.model.RaftRole;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Three (or more) {@link RaftNode}s in this JVM on 127.0.0.1 with free ports and their own
 * storage directories. With forwarders, every directed peer-to-peer path (and each node's
 * client traffic) runs through its own {@link TcpForwarder}, so a test can cut one member off
 * for real. Default timing (ET 2000/3000 ms, H 250 ms, L 1000 ms).
 */
final class LocalCluster implements AutoCloseable {

    private final List<RaftNodeConfig> configs = new ArrayList<>();
    private final List<Map<String, String>> dials = new ArrayList<>();
    private final Map<String, TcpForwarder> forwarders = new HashMap<>();
    private final RatisWiring.Tuning tuning;
    private double[] detectorUnits;
    private final List<RaftNode> nodes = new ArrayList<>();

    LocalCluster(Path root, int size, boolean withForwarders, RatisWiring.Tuning tuning) throws IOException {
        this(root, size, withForwarders, tuning, io.raftgres.core.timing.SafetyTiming.DEFAULT);
    }

    /** As above, with every node on {@code timing} instead of the defaults. */
    LocalCluster(Path root, int size, boolean withForwarders, RatisWiring.Tuning tuning,
                 io.raftgres.core.timing.SafetyTiming timing) throws IOException {
        this.tuning = tuning;
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            addresses.add("127.0.0.1:" + freePort());
        }
        for (int i = 0; i < size; i++) {
            configs.add(new RaftNodeConfig("n" + (i + 1), addresses.get(i), addresses, "it-cluster",
                    root.resolve("n" + (i + 1)), timing));
            Map<String, String> dial = new HashMap<>();
            for (int j = 0; withForwarders && j < size; j++) {
                if (j != i) {
                    TcpForwarder f = new TcpForwarder(port(addresses.get(j)));
                    forwarders.put(i + "->" + j, f);
                    dial.put(addresses.get(j), "127.0.0.1:" + f.port());
                }
            }
            dials.add(dial);
        }
    }

    /**
     * Creates fresh node objects over the same storage and starts them all in parallel (a
     * restart spends ET_min in quarantine per node).
     */
    LocalCluster start() throws IOException {
        nodes.clear();
        for (int i = 0; i < configs.size(); i++) {
            nodes.add(newNode(i));
        }
        List<CompletableFuture<Void>> starts = nodes.stream().map(node -> CompletableFuture.runAsync(() -> {
            try {
                node.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Executors.newVirtualThreadPerTaskExecutor())).toList();
        try {
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("a node failed to start", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IOException("nodes did not start", e);
        }
        return this;
    }

    private RaftNode newNode(int i) {
        if (detectorUnits != null) {
            double unit = detectorUnits[i];
            return new RaftNode(configs.get(i), System::nanoTime, dials.get(i), tuning, () -> unit);
        }
        return new RaftNode(configs.get(i), System::nanoTime, dials.get(i), tuning);
    }

    /** Fixes each node's leader silence detector draw (one unit in [0, 1) per node) for nodes started from now. */
    LocalCluster withDetectorUnits(double... units) {
        this.detectorUnits = units.clone();
        return this;
    }

    /** Closes node {@code i} (storage is kept). */
    void stopNode(int i) {
        nodes.get(i).close();
    }

    /** Replaces node {@code i} by a fresh node over the same storage and starts it. */
    RaftNode restartNode(int i) throws IOException {
        nodes.get(i).close();
        nodes.set(i, newNode(i));
        nodes.get(i).start();
        return nodes.get(i);
    }

    /** Closes every node in parallel (storage is kept). */
    void stop() {
        CompletableFuture.allOf(nodes.stream()
                .map(node -> CompletableFuture.runAsync(node::close, Executors.newVirtualThreadPerTaskExecutor()))
                .toArray(CompletableFuture[]::new)).join();
    }

    List<RaftNode> nodes() {
        return nodes;
    }

    RaftNode node(int i) {
        return nodes.get(i);
    }

    int indexOf(RaftNode node) {
        return nodes.indexOf(node);
    }

    /** Waits until exactly one node is a leader-ready Raft leader holding its lease. */
    RaftNode awaitLeaderWithLease(Duration timeout) {
        awaitTrue(timeout, "a leader with a valid lease", () -> leaderWithLease().isPresent());
        return leaderWithLease().orElseThrow();
    }

    Optional<RaftNode> leaderWithLease() {
        List<RaftNode> leaders = nodes.stream().filter(n -> n.view().isLeaderWithLease()).toList();
        return leaders.size() == 1 ? Optional.of(leaders.getFirst()) : Optional.empty();
    }

    List<RaftNode> followersOf(RaftNode leader) {
        return nodes.stream().filter(n -> n != leader && n.view().role() != RaftRole.LEADER).toList();
    }

    /** Cuts every path to and from node {@code i} (peer traffic and its client's). */
    void isolate(int i) {
        forwarders.forEach((path, f) -> {
            String[] ends = path.split("->");
            if (Integer.parseInt(ends[0]) == i || Integer.parseInt(ends[1]) == i) {
                f.cut();
            }
        });
    }

    /** Cuts the connections node {@code from} opens to node {@code to} (its calls and their replies). */
    void cut(int from, int to) {
        forwarders.get(from + "->" + to).cut();
    }

    /**
     * Makes node {@code i} unreachable the way a host that went away is: its connections end, its
     * outgoing traffic vanishes, and new connections to it hang (see {@link TcpForwarder#unreachable()}).
     */
    void partitionHard(int i) throws IOException {
        for (Map.Entry<String, TcpForwarder> e : forwarders.entrySet()) {
            String[] ends = e.getKey().split("->");
            if (Integer.parseInt(ends[1]) == i) {
                e.getValue().unreachable();
            } else if (Integer.parseInt(ends[0]) == i) {
                e.getValue().cut();
            }
        }
    }

    static void awaitTrue(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        stop();
        for (TcpForwarder f : forwarders.values()) {
            f.close();
        }
    }
}
