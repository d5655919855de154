package io.raftgres.pgcontrol;

import io.raftgres.core.spi.PostgresControlException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A start that PostgreSQL refuses reports the server log lines of that attempt, not an older attempt's:
 * the run directory's postgresql.log already holds an unrelated failure when a real PostgreSQL 15 with a
 * missing preload library (which only the real start, not the parameter check, discovers) is bootstrapped.
 * Before the fix the message ended with the file's last 20 lines, the old failure among them.
 */
class FailedStartLogTest {

    @Test
    void failedStartShowsOnlyThisAttemptsServerLog() throws Exception {
        try (PgFixture fixture = PgFixture.create()) {
            PgCtlPostgresControl member = fixture.member("refused",
                    Map.of("shared_preload_libraries", "no_such_library_xyz"));
            Path run = member.config().runDir();
            OwnedFiles files = new OwnedFiles("postgres", ToolRunner.runningAsRoot());
            files.ensureDirectory(run);
            files.write(run.resolve(PgCtl.LOG_FILE), "2026-01-01 00:00:00 UTC [1] FATAL:  OLD-UNRELATED-FAILURE\n");

            var e = assertThrows(PostgresControlException.class, member::bootstrap);

            assertTrue(e.getMessage().contains("server log of this attempt"), e.getMessage());
            assertTrue(e.getMessage().contains("could not access file \"no_such_library_xyz\""), e.getMessage());
            assertFalse(e.getMessage().contains("OLD-UNRELATED-FAILURE"), e.getMessage());
            assertTrue(Files.readString(run.resolve(PgCtl.LOG_FILE)).contains("OLD-UNRELATED-FAILURE"),
                    "the log itself is kept");
        }
    }
}
