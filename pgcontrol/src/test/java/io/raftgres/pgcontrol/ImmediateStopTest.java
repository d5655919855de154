package io.raftgres.pgcontrol;

import io.raftgres.core.spi.StopMode;
import io.raftgres.pgcontrol.ProcessSignals.Signal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The immediate stop (the fence) on a real PostgreSQL 15: quick when the postmaster obeys SIGQUIT, bounded
 * by the grace plus the kill when it does not (a frozen postmaster; a child that ignores SIGQUIT, which the
 * postmaster would SIGKILL only after 5 s), and the server starts again with its data afterwards; a stale
 * postmaster.pid naming someone else's process gets that process no signal. One server, bootstrapped
 * once; each test starts it if a previous one left it stopped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImmediateStopTest {

    /** The default grace, which the agent's default fence budget (500 ms) also yields. */
    private static final Duration GRACE = Duration.ofMillis(250);
    /** Escalation must end well within this: grace + SIGKILL + reaping, with room for a slow machine. */
    private static final long ESCALATION_LIMIT_MS = 2000;

    private PgFixture fixture;
    private PgCtlPostgresControl member;
    private PgCtl pgCtl;
    /** A member that never runs: its postmaster.pid is written by the tests. */
    private PgCtlPostgresControl stale;
    private PgCtl staleCtl;
    private int rowsWritten;

    @BeforeAll
    void bootstrap() throws Exception {
        fixture = PgFixture.create();
        member = fixture.member("fenced");
        assertEquals(GRACE, member.config().immediateStopGrace());
        pgCtl = pgCtl(member.config());
        stale = fixture.member("stale");
        staleCtl = pgCtl(stale.config());
        member.bootstrap();
        try (Connection c = PgFixture.connect(member); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE fenced (id int PRIMARY KEY)");
        }
    }

    @AfterAll
    void cleanUp() {
        fixture.close();
    }

    @BeforeEach
    void runningWithAFreshRow() throws SQLException {
        if (!pgCtl.isRunning()) {
            member.startPrimary();
        }
        try (Connection c = PgFixture.connect(member); Statement s = c.createStatement()) {
            s.execute("INSERT INTO fenced VALUES (" + ++rowsWritten + ")");
        }
    }

    @Test
    void obedientPostmasterStopsQuicklyByItselfAndKeepsCommittedRows() throws Exception {
        List<Long> processes = postgresProcesses();
        long millis = timedStop();
        System.out.println("immediate stop (obeys SIGQUIT): " + millis + " ms");
        assertTrue(millis < GRACE.toMillis(), "took " + millis + " ms, so it escalated");
        assertAllGone(processes);
        // The postmaster exited on its own (it removes its lock file then); an escalation would leave it.
        assertFalse(Files.exists(member.config().dataDir().resolve(PostmasterPidFile.FILE_NAME)));
        assertFalse(pgCtl.stop(StopMode.IMMEDIATE), "a second stop finds nothing running");
        assertRestartsWithAllRows();
    }

    @Test
    void frozenPostmasterIsKilledWithItsChildrenAfterTheGrace() throws Exception {
        List<Long> processes = postgresProcesses();
        assertTrue(ProcessSignals.send(processes.getFirst(), Signal.SIGSTOP)); // SIGQUIT now stays pending
        long millis = timedStop();
        System.out.println("immediate stop (postmaster frozen): " + millis + " ms, killed " + processes);
        assertTrue(millis >= GRACE.toMillis(), "took " + millis + " ms, less than the grace");
        assertTrue(millis < ESCALATION_LIMIT_MS, "took " + millis + " ms");
        assertAllGone(processes);
        assertNoLockFiles();
        assertFalse(pgCtl.isRunning());
        assertRestartsWithAllRows();
    }

    @Test
    void childIgnoringSigquitIsKilledLongBeforeThePostmasterWould() throws Exception {
        Connection session = PgFixture.connect(member);
        List<Long> processes;
        try {
            long backend;
            try (Statement s = session.createStatement(); ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
                r.next();
                backend = r.getLong(1);
            }
            processes = postgresProcesses();
            assertTrue(processes.contains(backend), backend + " not among " + processes);
            // A stopped backend leaves the postmaster's SIGQUIT pending; the postmaster itself would
            // SIGKILL it only after 5 s: the wait that made one fence take 9.5 s.
            assertTrue(ProcessSignals.send(backend, Signal.SIGSTOP));
            long millis = timedStop();
            System.out.println("immediate stop (backend frozen): " + millis + " ms");
            assertTrue(millis >= GRACE.toMillis(), "took " + millis + " ms, less than the grace");
            assertTrue(millis < ESCALATION_LIMIT_MS, "took " + millis + " ms");
        } finally {
            closeQuietly(session);
        }
        assertAllGone(processes);
        assertNoLockFiles();
        assertRestartsWithAllRows();
    }

    @Test
    void stalePidFileNamingAnotherProgramSignalsNothing() throws Exception {
        Files.createDirectories(stale.config().dataDir());
        // In the data directory, so that only its executable tells it from a postmaster.
        Process sleep = new ProcessBuilder("sleep", "30").directory(stale.config().dataDir().toFile()).start();
        try {
            writeStalePidFile(sleep.pid() + "\n" + stale.config().dataDir() + "\n");
            assertFalse(staleCtl.stop(StopMode.IMMEDIATE));
            assertFalse(sleep.waitFor(200, TimeUnit.MILLISECONDS), "sleep was signalled");
        } finally {
            sleep.destroyForcibly();
            Files.deleteIfExists(stale.config().dataDir().resolve(PostmasterPidFile.FILE_NAME));
        }
    }

    @Test
    void pidFileNamingAnotherClustersPostmasterSignalsNothing() throws Exception {
        Path running = member.config().dataDir().resolve(PostmasterPidFile.FILE_NAME);
        long pm = PostmasterPidFile.read(member.config().dataDir()).orElseThrow().pid();
        try {
            writeStalePidFile(Files.readString(running)); // a copy: line 2 names the other directory
            assertFalse(staleCtl.stop(StopMode.IMMEDIATE));
            writeStalePidFile(pm + "\n" + stale.config().dataDir() + "\n"); // only the postmaster's cwd differs
            assertFalse(staleCtl.stop(StopMode.IMMEDIATE));
        } finally {
            Files.deleteIfExists(stale.config().dataDir().resolve(PostmasterPidFile.FILE_NAME));
        }
        assertFalse(new LinuxProcess(pm).isGone());
        try (Connection c = PgFixture.connect(member); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
    }

    private void writeStalePidFile(String content) throws Exception {
        Files.createDirectories(stale.config().dataDir());
        Files.writeString(stale.config().dataDir().resolve(PostmasterPidFile.FILE_NAME), content);
    }

    /** The postmaster's PID first, then its children's, as the test sees them before the stop. */
    private List<Long> postgresProcesses() throws Exception {
        long pm = PostmasterPidFile.read(member.config().dataDir()).orElseThrow().pid();
        List<Long> pids = new ArrayList<>();
        pids.add(pm);
        ProcessHandle.of(pm).orElseThrow().descendants().forEach(h -> pids.add(h.pid()));
        assertTrue(pids.size() >= 5, "postmaster with checkpointer, walwriter, ...: " + pids);
        return pids;
    }

    private static PgCtl pgCtl(PgControlConfig config) {
        return new PgCtl(config, new ToolRunner(config.binDir(), config.osUser(), ToolRunner.runningAsRoot()));
    }

    private long timedStop() {
        long started = System.nanoTime();
        assertTrue(pgCtl.stop(StopMode.IMMEDIATE), "stop found no server");
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static void assertAllGone(List<Long> pids) {
        List<Long> living = pids.stream().filter(pid -> !new LinuxProcess(pid).isGone()).toList();
        assertTrue(living.isEmpty(), "still running: " + living);
    }

    /** A killed postmaster's lock files would block the restart while it is an unreaped zombie. */
    private void assertNoLockFiles() throws Exception {
        assertFalse(Files.exists(member.config().dataDir().resolve(PostmasterPidFile.FILE_NAME)));
        try (Stream<Path> files = Files.list(member.config().runDir())) {
            List<Path> locks = files.filter(f -> f.getFileName().toString().endsWith(".lock")).toList();
            assertTrue(locks.isEmpty(), locks.toString());
        }
    }

    private static void closeQuietly(Connection session) {
        try {
            session.close();
        } catch (SQLException e) {
            // its backend was killed: nothing to close on the server side
        }
    }

    private void assertRestartsWithAllRows() throws SQLException {
        member.startPrimary();
        try (Connection c = PgFixture.connect(member); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM fenced")) {
            r.next();
            assertEquals(rowsWritten, r.getInt(1));
        }
    }
}
