package io.raftgres.pgcontrol;

import io.raftgres.core.decide.RetryPolicy;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.spi.PostgresControlException;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.Upstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the control does with no server running: observe never throws, operations fail clearly. */
class StoppedDataDirectoryTest {

    private PgFixture fixture;
    private PgCtlPostgresControl member;

    @BeforeEach
    void createMember() throws Exception {
        fixture = PgFixture.create();
        member = fixture.member("lonely");
    }

    @AfterEach
    void cleanUp() {
        fixture.close();
    }

    @Test
    void observeOfMissingDataDirectoryReportsNothingWithoutError() {
        LocalPgState s = member.observe();
        assertEquals(LocalPgState.empty(), s);
        assertTrue(member.walSenders().isEmpty());
        assertTrue(member.postmasterStartMillis().isEmpty());
    }

    @Test
    void observeOfBrokenDataDirectoryReportsTheProblemAsValue() throws Exception {
        Path data = member.config().dataDir();
        Files.createDirectories(data);
        Files.writeString(data.resolve("PG_VERSION"), "15\n");
        Files.writeString(data.resolve("postmaster.pid"), "999999\n");
        LocalPgState s = member.observe();
        assertTrue(s.hasDataDirectory());
        assertFalse(s.running());
        assertNull(s.systemId());
        assertEquals(ControlState.UNKNOWN, s.controlState());
        assertNotNull(s.probeError());
        assertTrue(s.probeError().contains("pg_controldata"), s.probeError());
        assertTrue(s.probeError().contains("postmaster.pid"), s.probeError());
    }

    @Test
    void stopIsANoOpWithoutServer() {
        member.stop(StopMode.FAST);
        member.stop(StopMode.IMMEDIATE);
        member.removeDataDirectory();
        assertFalse(member.observe().hasDataDirectory());
    }

    @Test
    void operationsNeedingADataDirectoryFailNamingIt() {
        Upstream nowhere = new Upstream("ghost", "127.0.0.1", PgFixture.freePort());
        for (Runnable op : new Runnable[] {member::startPrimary, member::promote, () -> member.rewind(nowhere),
                () -> member.follow(nowhere, "lonely")}) {
            PostgresControlException e = assertThrows(PostgresControlException.class, op::run);
            assertTrue(e.getMessage().contains("failed after"), e.getMessage());
        }
    }

    /**
     * A promotion whose postmaster was stopped meanwhile (the lease guard's fence) fails at once. In
     * the container suite, pg_ctl promote -w waited its whole 60 s timeout in that case, polling
     * pg_control for "in production"; the wait after the signal now watches the postmaster. Shown to
     * fail before: awaitWritable waited the fixture's 30 s pg_ctl timeout and then said "still in
     * recovery".
     */
    @Test
    void promotionCutOffByAStopFailsAtOnce() {
        member.bootstrap();
        member.stop(StopMode.IMMEDIATE);
        long start = System.nanoTime();
        PostgresControlException e = assertThrows(PostgresControlException.class, member::awaitWritable);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("stopped during the promotion"), e.getMessage());
        assertTrue(millis < 10_000, "took " + millis + " ms");
    }

    /**
     * A rewind whose source cannot be reached says so (the agent then retries it with the back-off)
     * and leaves the data directory as it was, even with removal on rewind failure allowed.
     */
    @Test
    void rewindFromAnUnreachableSourceSaysSoAndKeepsTheDataDirectory() {
        member.bootstrap();
        member.stop(StopMode.FAST);
        Upstream nowhere = new Upstream("ghost", "127.0.0.1", PgFixture.freePort());
        PostgresControlException e = assertThrows(PostgresControlException.class, () -> member.rewind(nowhere));
        assertTrue(RetryPolicy.rewindSourceUnavailable(e.getMessage()), e.getMessage());
        assertTrue(member.observe().hasDataDirectory());
    }

    /** pg_rewind's and libpq's words for a source it could not use, and a failure on the target that is final. */
    @Test
    void rewindSourceUnavailableIsToldFromAFailedRewind() {
        assertTrue(RewindSource.sourceUnavailable("pg_rewind: error: connection to server at \"10.0.0.2\", port 5432"
                + " failed: FATAL:  the database system is starting up"));
        assertTrue(RewindSource.sourceUnavailable("pg_rewind: error: could not connect to server: timeout expired"));
        assertTrue(RewindSource.sourceUnavailable("pg_rewind: error: source server must not be in recovery mode"));
        assertFalse(RewindSource.sourceUnavailable("pg_rewind: error: could not open file \"base/1/2\": Permission denied"));
    }

    @Test
    void failedCloneLeavesAnEmptyDataDirectoryAndNoSecretsInTheError() throws Exception {
        Upstream nowhere = new Upstream("ghost", "127.0.0.1", PgFixture.freePort());
        PostgresControlException e = assertThrows(PostgresControlException.class, () -> member.cloneFrom(nowhere));
        assertTrue(e.getMessage().contains("pg_basebackup exited"), e.getMessage());
        assertFalse(e.getMessage().contains(PgFixture.REPLICATION.password()), e.getMessage());
        assertTrue(OwnedFiles.isMissingOrEmpty(member.config().dataDir()));
        assertFalse(member.observe().hasDataDirectory());
    }

    @Test
    void bootstrapRefusesANonEmptyDataDirectory() throws Exception {
        Path data = member.config().dataDir();
        Files.createDirectories(data);
        Files.writeString(data.resolve("precious.txt"), "keep me");
        PostgresControlException e = assertThrows(PostgresControlException.class, member::bootstrap);
        assertTrue(e.getMessage().contains("needs an empty data directory"), e.getMessage());
        assertTrue(Files.exists(data.resolve("precious.txt")));
    }
}
