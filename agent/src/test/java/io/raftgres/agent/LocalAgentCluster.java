package io.raftgres.agent;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Three real agents as separate JVM processes, each with its own real PostgreSQL, on 127.0.0.1
 * with free ports, under a temporary directory. Kills are real SIGKILLs of the agent and of the
 * postmaster. Every wait is bounded. {@link #close} stops everything this fixture started.
 */
final class LocalAgentCluster implements AutoCloseable {
    static final String PASSWORD = "it-secret-1";
    /** postgresql.lease_gate of every member; {@code -Dit.lease_gate=false} shows what the gate prevents. */
    static final boolean LEASE_GATE = Boolean.parseBoolean(System.getProperty("it.lease_gate", "true"));

    /**
     * Passwords and REST settings of every member: {@link #DEFAULT} uses {@link #PASSWORD} for
     * all three users over plain HTTP.
     *
     * @param restapiExtra more {@code restapi} entries in YAML flow style, e.g. {@code ", certfile: /x"}
     * @param ssl          the client context for an HTTPS API, else null
     */
    record Security(String restPassword, String superuserPassword, String replicationPassword,
                    String restapiExtra, javax.net.ssl.SSLContext ssl) {
        static final Security DEFAULT = new Security(PASSWORD, PASSWORD, PASSWORD, "", null);
    }

    private final Security security;
    private final HttpClient http;

    record Member(String name, int pgPort, int restPort, int raftPort, Path dir) {
        Path config() { return dir.resolve("raftgres.yml"); }
        Path log() { return dir.resolve("raftgres.log"); }
        Path dataDir() { return dir.resolve("pg"); }
    }

    private final Path root;
    private final List<Member> members = new ArrayList<>();
    private final Process[] processes = new Process[3];

    private final String extraDcsParameters;
    private String extraDcsKeys = "";

    LocalAgentCluster(Path root) throws IOException {
        this(root, "", m -> "");
    }

    /** {@code extraYaml} adds top-level sections to a member's configuration (e.g. {@code log:}). */
    LocalAgentCluster(Path root, java.util.function.Function<Member, String> extraYaml) throws IOException {
        this(root, "", extraYaml);
    }

    /** @param extraDcsParameters more bootstrap.dcs parameters in YAML flow style, e.g. {@code ", a: b"} */
    LocalAgentCluster(Path root, String extraDcsParameters) throws IOException {
        this(root, extraDcsParameters, m -> "");
    }

    /** A cluster with its own passwords and REST settings (e.g. HTTPS). */
    LocalAgentCluster(Path root, Security security) throws IOException {
        this(root, "", m -> "", security, "");
    }

    /** A cluster whose bootstrap.dcs also has {@code dcsKeys} (YAML flow style, e.g. {@code "synchronous_mode: on"}). */
    static LocalAgentCluster withDcs(Path root, String dcsKeys) throws IOException {
        return new LocalAgentCluster(root, "", m -> "", Security.DEFAULT, dcsKeys);
    }

    private LocalAgentCluster(Path root, String extraDcsParameters,
                              java.util.function.Function<Member, String> extraYaml) throws IOException {
        this(root, extraDcsParameters, extraYaml, Security.DEFAULT, "");
    }

    private LocalAgentCluster(Path root, String extraDcsParameters,
                              java.util.function.Function<Member, String> extraYaml, Security security,
                              String dcsKeys)
            throws IOException {
        this.root = root;
        this.security = security;
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
        this.http = (security.ssl() == null ? client : client.sslContext(security.ssl())).build();
        this.extraDcsParameters = extraDcsParameters;
        this.extraDcsKeys = dcsKeys.isEmpty() ? "" : dcsKeys + ", ";
        Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        int[] ports = freePorts(9);
        for (int i = 0; i < 3; i++) {
            Path dir = Files.createDirectories(root.resolve("n" + (i + 1)));
            members.add(new Member("n" + (i + 1), ports[i], ports[3 + i], ports[6 + i], dir));
        }
        for (Member m : members) {
            Files.writeString(m.config(), config(m) + extraYaml.apply(m));
        }
    }

    List<Member> members() {
        return members;
    }

    Member member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    private String config(Member m) {
        StringBuilder partners = new StringBuilder();
        for (Member p : members) {
            if (p != m) {
                partners.append(partners.isEmpty() ? "" : ", ").append("127.0.0.1:").append(p.raftPort());
            }
        }
        return """
                scope: it
                name: %s
                restapi: {listen: "127.0.0.1:%d", authentication: {username: admin, password: "%s"}%s}
                raft:
                  self_addr: "127.0.0.1:%d"
                  partner_addrs: [%s]
                  data_dir: %s
                bootstrap:
                  dcs: {%sloop_wait: 1, primary_start_timeout: 10, postgresql: {use_pg_rewind: true, parameters: {max_connections: 30, shared_buffers: 16MB%s}}}
                postgresql:
                  listen: "127.0.0.1:%d"
                  data_dir: %s
                  authentication:
                    superuser: {username: postgres, password: "%s"}
                    replication: {username: replicator, password: "%s"}
                  lease_gate: %s
                """.formatted(m.name(), m.restPort(), security.restPassword(), security.restapiExtra(), m.raftPort(),
                partners, m.dir().resolve("raft"), extraDcsKeys, extraDcsParameters, m.pgPort(), m.dataDir(),
                security.superuserPassword(), security.replicationPassword(), LEASE_GATE);
    }

    /** Starts every member and waits (up to 120 s) for one primary and two streaming replicas. */
    void startAllHealthy() throws IOException, InterruptedException {
        for (Member m : members) {
            start(m);
        }
        await("one primary and two streaming replicas", Duration.ofSeconds(120), this::healthy);
    }

    void start(Member m) throws IOException {
        processes[members.indexOf(m)] = launch(m, m.log());
    }

    /**
     * A second agent process on {@code m}'s configuration beside the one this fixture runs (a
     * supervisor's mistake), its output in {@code log}; the caller waits for it and ends it.
     */
    Process startDuplicate(Member m, Path log) throws IOException {
        return launch(m, log);
    }

    private static Process launch(Member m, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp", classpath,
                "io.raftgres.agent.Main", "-c", m.config().toString());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return pb.start();
    }

    /** The running agent process of {@code m} (to signal it), else empty. */
    Optional<ProcessHandle> agent(Member m) {
        Process p = processes[members.indexOf(m)];
        return p != null && p.isAlive() ? Optional.of(p.toHandle()) : Optional.empty();
    }

    /** SIGKILL of the agent and of its postmaster: the host died. */
    void kill(Member m) throws IOException {
        Process p = processes[members.indexOf(m)];
        if (p != null) {
            p.destroyForcibly();
            waitFor(p);
        }
        postmaster(m).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** SIGKILL of the agent alone: its PostgreSQL keeps running, orphaned. */
    void killAgent(Member m) {
        Process p = processes[members.indexOf(m)];
        p.destroyForcibly();
        waitFor(p);
    }

    /** Sends {@code signal} (STOP, CONT) to the agent's process: STOP freezes it as a stopped VM would. */
    void signalAgent(Member m, String signal) throws IOException, InterruptedException {
        long pid = processes[members.indexOf(m)].pid();
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + pid + " failed");
        }
    }

    /** SIGTERM: the agent stops PostgreSQL and leaves the group cleanly. */
    void stop(Member m) {
        Process p = processes[members.indexOf(m)];
        if (p != null && p.isAlive()) {
            p.destroy();
            waitFor(p);
        }
    }

    /** SIGTERM to every agent at once, then waits for each: a planned stop of the whole cluster. */
    void stopAll() {
        for (Process p : processes) {
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        for (Process p : processes) {
            if (p != null) {
                waitFor(p);
            }
        }
    }

    private static void waitFor(Process p) {
        try {
            if (!p.waitFor(Duration.ofSeconds(30))) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Optional<ProcessHandle> postmaster(Member m) throws IOException {
        Path pid = m.dataDir().resolve("postmaster.pid");
        if (!Files.exists(pid)) {
            return Optional.empty();
        }
        String first = Files.readAllLines(pid).getFirst().trim();
        // A stale pid file may name a reused pid: only ever touch a postgres process.
        return ProcessHandle.of(Long.parseLong(first))
                .filter(h -> h.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
    }

    int status(Member m, String path) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url(m) + path))
                    .timeout(Duration.ofSeconds(2)).build();
            return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String body(Member m, String path) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url(m) + path))
                    .timeout(Duration.ofSeconds(2)).build();
            return http.send(req, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * A write request to {@code m}'s REST API with a JSON body, with the cluster's REST
     * credentials when {@code authenticated}; the status code and body, or -1 when unreachable.
     */
    HttpResponse<String> write(Member m, String method, String path, String json, boolean authenticated)
            throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url(m) + path))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
        if (authenticated) {
            req.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                    ("admin:" + security.restPassword()).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The base URL of {@code m}'s REST API. */
    String url(Member m) {
        return (security.ssl() == null ? "http" : "https") + "://127.0.0.1:" + m.restPort();
    }

    boolean isStreaming(Member m) {
        return status(m, "/replica") == 200 && body(m, "/patroni").contains("\"replication_state\":\"streaming\"");
    }

    /** Members answering 200 on /primary right now. */
    List<Member> primaries() {
        return members.stream().filter(m -> status(m, "/primary") == 200).toList();
    }

    boolean healthy() {
        List<Member> p = primaries();
        return p.size() == 1 && members.stream().filter(m -> m != p.getFirst()).allMatch(this::isStreaming);
    }

    Connection connect(Member m) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + m.pgPort() + "/postgres?connectTimeout=2"
                + "&socketTimeout=5", "postgres", security.superuserPassword());
    }

    /** The first column of the first row {@code sql} returns on {@code m}, or null when it cannot be read. */
    String queryOne(Member m, String sql) {
        try (Connection c = connect(m); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getString(1) : null;
        } catch (SQLException e) {
            return null;
        }
    }

    static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
    }

    /** A test body that drives a cluster. */
    @FunctionalInterface
    interface Scenario {
        void run(LocalAgentCluster cluster) throws Exception;
    }

    /**
     * Runs {@code scenario}; a failure carries the tail of every member's logs. A failed
     * assumption stays one, so the test is reported skipped.
     */
    void runShowingLogs(Scenario scenario) throws Exception {
        try {
            scenario.run(this);
        } catch (org.opentest4j.TestAbortedException skipped) {
            throw skipped;
        } catch (AssertionError | Exception e) {
            throw new AssertionError(e.getMessage() + "\n" + logs(), e);
        }
    }

    String logs() throws IOException {
        StringBuilder out = new StringBuilder();
        for (Member m : members) {
            if (Files.exists(m.log())) {
                List<String> lines = Files.readAllLines(m.log());
                out.append("--- ").append(m.name()).append('\n');
                lines.subList(Math.max(0, lines.size() - 25), lines.size()).forEach(l -> out.append(l).append('\n'));
            }
            Path pgLog = m.dir().resolve("pg.run").resolve("postgresql.log");
            if (Files.exists(pgLog)) {
                List<String> lines = Files.readAllLines(pgLog);
                out.append("--- ").append(m.name()).append(" postgresql.log\n");
                lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> out.append(l).append('\n'));
            }
        }
        return out.toString();
    }

    @Override
    public void close() throws IOException {
        for (Member m : members) {
            stop(m);
        }
        for (Member m : members) {
            postmaster(m).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static int[] freePorts(int count) throws IOException {
        int[] ports = new int[count];
        List<ServerSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                open.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : open) {
                s.close();
            }
        }
        return ports;
    }
}
