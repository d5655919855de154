package io.raftgres.agent;

import io.raftgres.agent.config.ConfigLoader;
import io.raftgres.agent.config.RaftgresConfig;
import io.raftgres.agent.logging.LogSetup;
import io.raftgres.api.LiveReadings;
import io.raftgres.api.RaftgresMetrics;
import io.raftgres.api.RestServer;
import io.raftgres.ha.LocalTracker;
import io.raftgres.ha.MemberLiveness;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code raftgres --aot-train DIR}: the short training run from which the distribution's launcher
 * makes the JDK's ahead-of-time cache (JEP 483/514; {@code bin/raftgres --aot-train} runs this JVM
 * with {@code -XX:AOTCacheOutput}). It does what an agent's start does up to a serving REST API,
 * without PostgreSQL: loads and validates a configuration, sets up logging to a file, starts a
 * one-member Raft group on a free loopback port and waits for it to lead, starts the REST API on
 * another free loopback port, and asks it what operators and load balancers ask. Every file it
 * writes stays under {@code DIR}, which is removed at the end; nothing else is touched.
 *
 * <p>A cache only speeds up class loading; a class the training did not load is loaded from its
 * jar as without a cache. So this run does not have to be complete, only representative. It must
 * not load what an agent never does, though: every class in the cache is loaded at every start and
 * stays resident. That is why it asks its questions over a plain socket: the JDK's HTTP client set
 * up TLS on creation, about 700 classes (a third of them {@code sun.security}) no agent needs.
 */
final class AotTraining {
    /** How long the one-member group may take to elect itself; a few hundred ms on an idle host. */
    private static final Duration LEADER_WAIT = Duration.ofSeconds(30);
    private static final String PASSWORD = "aot-training-only";
    /** How long one REST request may take; milliseconds on an idle host. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private AotTraining() {
    }

    static int run(Path dir, PrintStream err) {
        try {
            Files.createDirectories(dir);
            Path file = writeConfig(dir, freePort(), freePort());
            RaftgresConfig config = ConfigLoader.load(file, Map.of());
            LogSetup.apply(config.name(), config.log());
            try (RaftClusterStore raft = RaftClusterStore.start(config)) {
                awaitLeader(raft);
                serveAndAsk(config, raft);
            }
            return 0;
        } catch (Exception e) {
            err.println("raftgres: AOT training failed: " + io.raftgres.ha.ActionExecutor.rootMessage(e));
            return 1;
        } finally {
            LogSetup.initial();
            deleteTree(dir);
        }
    }

    private static Path writeConfig(Path dir, int restPort, int raftPort) throws IOException {
        Path file = dir.resolve("raftgres.yml");
        Files.writeString(file, """
                scope: aot-training
                name: train
                restapi:
                  listen: 127.0.0.1:%d
                  authentication: {username: admin, password: %s}
                raft:
                  self_addr: 127.0.0.1:%d
                  partner_addrs: []
                  data_dir: %s
                  allow_unsafe_group_size: true
                postgresql:
                  listen: 127.0.0.1:5432
                  data_dir: %s
                  authentication:
                    superuser: {username: postgres, password: %s}
                    replication: {username: replicator, password: %s}
                log:
                  dir: %s
                """.formatted(restPort, PASSWORD, raftPort, dir.resolve("raft"), dir.resolve("pg"), PASSWORD,
                PASSWORD, dir.resolve("log")));
        return file;
    }

    private static void awaitLeader(RaftClusterStore raft) throws InterruptedException {
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (!raft.view().isLeaderWithLease()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the one-member Raft group did not elect itself within " + LEADER_WAIT);
            }
            Thread.sleep(20);
        }
    }

    /** The REST API over the real store, asked every read endpoint and one authenticated write. */
    private static void serveAndAsk(RaftgresConfig config, RaftClusterStore raft) throws Exception {
        ExecutorService refresher = Executors.newSingleThreadExecutor();
        MemberLiveness liveness = new MemberLiveness(config.raft().electionTimeoutMax().toMillis());
        AgentStatus status = new AgentStatus(Agent.identity(config), () -> null, raft,
                local -> new AgentStatus.Extras(List.of(), null, System.currentTimeMillis()), refresher,
                new LocalTracker(), () -> false, liveness);
        RaftgresMetrics metrics = new RaftgresMetrics(config.scope(), config.name(),
                () -> new LiveReadings(raft.leaseRemainingMillis(), false, false));
        raft.addListener(() -> metrics.observeRaft(raft.view()));
        try (RestServer rest = RestServer.start("127.0.0.1", config.restapi().listen().port(), status, metrics,
                Agent.restSecurity(config))) {
            for (String path : List.of("/liveness", "/readiness", "/health", "/patroni", "/cluster", "/config",
                    "/history", "/primary", "/replica", "/metrics", "/no-such-endpoint")) {
                ask(rest.port(), "GET", path, "", "");
            }
            String auth = Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            int patched = ask(rest.port(), "PATCH", "/config",
                    "Authorization: Basic " + auth + "\r\nContent-Type: application/json\r\n", "{\"ttl\": 30}");
            // No cluster is initialized here, so the write itself is refused (503); what it trains is
            // the path through authentication, which a 401 would cut short.
            if (patched == 401 || patched == 403) {
                throw new IllegalStateException("the REST API refused the training's credentials: " + patched);
            }
        } finally {
            refresher.shutdownNow();
        }
    }

    /**
     * One HTTP/1.1 exchange on its own connection ({@code headers}: CRLF-terminated lines; {@code body}
     * ASCII). Reads the whole answer and returns its status; fails unless it starts with a status
     * line, so a REST API that does not answer fails the training.
     */
    private static int ask(int port, String method, String path, String headers, String body) throws IOException {
        String request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n"
                + headers + "Content-Length: " + body.length() + "\r\n\r\n" + body;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            if (!answer.matches("(?s)HTTP/1\\.1 [0-9]{3} .*")) {
                throw new IOException("the REST API gave no HTTP answer to " + method + " " + path);
            }
            return Integer.parseInt(answer.substring(9, 12));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: the directory is scratch space the caller chose.
        }
    }
}
