package io.raftgres.pgcontrol;

import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.Upstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;

/**
 * Real PostgreSQL instances for tests: a private directory under /tmp (owned by the postgres OS user when
 * the tests run as root), free loopback ports, and cleanup that stops every instance it handed out
 * (pg_ctl stop -m immediate) and deletes the directory, also after failures. Not thread-safe.
 */
final class PgFixture implements AutoCloseable {

    /** Passwords with characters that need escaping in pgpass files and config values. */
    static final PgCredentials SUPERUSER = new PgCredentials("postgres", "su:pa\\ss'word");
    static final PgCredentials REPLICATION = new PgCredentials("replicator", "rep:l 'secret'");
    static final PgCredentials REWIND = new PgCredentials("rewinder", "re\\wind:pw");

    private final Path root;
    private final List<PgCtlPostgresControl> members = new ArrayList<>();

    private PgFixture(Path root) {
        this.root = root;
    }

    static PgFixture create() throws IOException {
        Path root = Files.createTempDirectory(Path.of("/tmp"), "raftgres-pg-");
        if (ToolRunner.runningAsRoot()) {
            Files.setOwner(root, root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
        }
        return new PgFixture(root);
    }

    Path root() {
        return root;
    }

    /** A control for member {@code name} on a free port; stopped at {@link #close()}. */
    PgCtlPostgresControl member(String name) {
        return member(name, b -> b);
    }

    /** As {@link #member(String)}, with {@code tweak} applied to the configuration first. */
    PgCtlPostgresControl member(String name, java.util.function.UnaryOperator<PgControlConfig.Builder> tweak) {
        PgCtlPostgresControl control = new PgCtlPostgresControl(tweak.apply(builder(name, freePort())).build());
        members.add(control);
        return control;
    }

    /** A control for member {@code name} whose PostgreSQL waits for the {@link LeaseGate}; stopped at {@link #close()}. */
    PgCtlPostgresControl gatedMember(String name) {
        PgCtlPostgresControl control = new PgCtlPostgresControl(builder(name, freePort()).leaseGate(true).build());
        members.add(control);
        return control;
    }

    /** A member whose configuration adds {@code extra} to the fixture's parameters. */
    PgCtlPostgresControl member(String name, Map<String, String> extra) {
        Map<String, String> parameters = new java.util.HashMap<>(config(name, 1).parameters());
        parameters.putAll(extra);
        PgCtlPostgresControl control = new PgCtlPostgresControl(PgControlConfig.builder(name, "raftgres-test",
                        root.resolve(name).resolve("data"))
                .runDir(root.resolve(name).resolve("run")).listen("127.0.0.1", freePort())
                .superuser(SUPERUSER).replication(REPLICATION).rewind(REWIND).parameters(parameters)
                .initdbOptions(List.of("encoding=UTF8", "no-sync"))
                .pgCtlTimeout(Duration.ofSeconds(30)).toolTimeout(Duration.ofMinutes(2)).build());
        members.add(control);
        return control;
    }

    PgControlConfig config(String name, int port) {
        return builder(name, port).build();
    }

    PgControlConfig.Builder builder(String name, int port) {
        return PgControlConfig.builder(name, "raftgres-test", root.resolve(name).resolve("data"))
                .runDir(root.resolve(name).resolve("run"))
                .listen("127.0.0.1", port)
                .superuser(SUPERUSER)
                .replication(REPLICATION)
                .rewind(REWIND)
                .parameters(Map.of("shared_buffers", "16MB", "max_connections", "30", "fsync", "off",
                        "log_min_messages", "warning"))
                .initdbOptions(List.of("encoding=UTF8", "no-sync"))
                .pgCtlTimeout(Duration.ofSeconds(30))
                .toolTimeout(Duration.ofMinutes(2));
    }

    static Upstream upstream(PgCtlPostgresControl control) {
        PgControlConfig c = control.config();
        return new Upstream(c.memberName(), c.connectHost(), c.connectPort());
    }

    static Connection connect(PgCtlPostgresControl control) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", SUPERUSER.username());
        props.setProperty("password", SUPERUSER.password());
        props.setProperty("connectTimeout", "2");
        props.setProperty("socketTimeout", "30");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + control.config().port() + "/postgres",
                props);
    }

    /** Waits (polling every 50 ms) until {@code condition} holds; fails the test naming {@code what} otherwise. */
    static void await(String what, Duration max, BooleanSupplier condition) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
        throw new AssertionError("timed out after " + max.toMillis() + " ms waiting for " + what);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (PgCtlPostgresControl member : members) {
            try {
                member.stop(StopMode.IMMEDIATE);
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        try {
            deleteTree(root);
        } catch (IOException e) {
            failure = failure == null ? new UncheckedIOException(e) : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
