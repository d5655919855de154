package io.raftgres.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.Upstream;
import io.raftgres.core.spi.VipControl;
import io.raftgres.pgcontrol.PgControlConfig;
import io.raftgres.pgcontrol.PgCredentials;
import io.raftgres.pgcontrol.PgCtlPostgresControl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The start-up fence against a real PostgreSQL 15 that an earlier agent left running: a
 * writable primary is stopped (and the VIP removed after it), a standby is left running, a stopped
 * server stays stopped. The first test failed before the fence existed: the launcher went straight
 * to Raft, and the orphan kept accepting writes (19 s of two writable primaries on the demo).
 */
@Tag("postgres")
class StartupFenceTest {

    private Path root;
    private PgCtlPostgresControl pg;
    private final List<String> events = new ArrayList<>();

    @BeforeEach
    void createDataDirectory() throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "raftgres-fence-");
        if ("root".equals(System.getProperty("user.name"))) {
            Files.setOwner(root, root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
        }
        pg = new PgCtlPostgresControl(PgControlConfig.builder("n1", "fence-test", root.resolve("data"))
                .runDir(root.resolve("run"))
                .listen("127.0.0.1", freePort())
                .superuser(new PgCredentials("postgres", "fence-su"))
                .replication(new PgCredentials("replicator", "fence-rep"))
                .rewind(new PgCredentials("rewinder", "fence-rw"))
                .parameters(Map.of("shared_buffers", "16MB", "max_connections", "20", "fsync", "off"))
                .initdbOptions(List.of("encoding=UTF8", "no-sync"))
                .pgCtlTimeout(Duration.ofSeconds(30))
                .toolTimeout(Duration.ofMinutes(2))
                .build());
        pg.bootstrap();
    }

    @AfterEach
    void removeDataDirectory() throws IOException {
        try {
            pg.stop(StopMode.IMMEDIATE);
        } finally {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void aWritablePrimaryLeftByAnEarlierAgentIsStoppedThenTheVipIsRemoved() {
        pg.startPrimary();
        assertTrue(pg.observe().isWritablePrimary(), "precondition: an orphaned writable primary");

        assertTrue(StartupFence.run("n1", pg, new RecordingVip(true)));

        LocalPgState after = pg.observe();
        assertFalse(after.running(), "stopped before the agent joins Raft: " + after);
        assertEquals(List.of("vip.remove after PostgreSQL stopped"), events, "PostgreSQL first, then the VIP");
    }

    @Test
    void aStandbyLeftRunningIsLeftAlone() {
        pg.startPrimary();
        pg.stop(StopMode.FAST);
        // An upstream that does not answer: the standby runs in recovery and retries, as after a failover.
        pg.follow(new Upstream("n2", "127.0.0.1", freePort()), "n1");
        assertTrue(pg.observe().isRunningReplica(), "precondition: a running standby");

        assertFalse(StartupFence.run("n1", pg, new RecordingVip(false)));

        assertTrue(pg.observe().isRunningReplica(), "a standby cannot acknowledge writes; the HA loop takes it over");
        assertEquals(List.of(), events);
    }

    @Test
    void aStoppedServerStaysStopped() {
        pg.startPrimary();
        pg.stop(StopMode.FAST);

        assertFalse(StartupFence.run("n1", pg, new RecordingVip(false)));

        assertFalse(pg.observe().running());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    private final class RecordingVip implements VipControl {
        private boolean present;

        RecordingVip(boolean present) {
            this.present = present;
        }

        @Override public boolean isPresent() { return present; }
        @Override public boolean add() { events.add("vip.add"); present = true; return true; }
        @Override public boolean remove() {
            events.add("vip.remove" + (pg.observe().running() ? " while PostgreSQL runs" : " after PostgreSQL stopped"));
            present = false;
            return true;
        }
        @Override public boolean refresh(java.util.function.BooleanSupplier stillHolds) { events.add("vip.refresh"); return true; }
    }
}
