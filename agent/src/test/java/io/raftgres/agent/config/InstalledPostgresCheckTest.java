package io.raftgres.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static io.raftgres.agent.config.ConfigFixture.assertOnlyProblem;
import static io.raftgres.agent.config.ConfigFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code --validate-config} and every start check the configuration against this host's real PostgreSQL 15
 * (/usr/lib/postgresql/15/bin, run as the postgres user when the test runs as root). Before this check
 * each of these configurations was reported valid, and the agent then looped at run time. The masking
 * test failed when the check passed PostgreSQL's message through unmasked (tried once on purpose).
 */
class InstalledPostgresCheckTest {
    @TempDir
    Path dir;

    private ConfigException failure(ConfigFixture fixture) {
        Path file = fixture.write(dir);
        return assertThrows(ConfigException.class, () -> ConfigLoader.loadForThisHost(file, Map.of()));
    }

    @Test
    void missingBinDirIsRefusedNamingFileKeyAndReason() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path file = ConfigFixture.valid().set("postgresql.bin_dir", "/nonexistent").write(dir);

        int code = ValidateConfigCommand.run(file, Map.of(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(ValidateConfigCommand.INVALID, code);
        assertEquals(file + ": postgresql.bin_dir: does not exist; it must be the directory of the PostgreSQL"
                + " server binaries (postgres, pg_ctl, initdb, ...), e.g. /usr/lib/postgresql/15/bin\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void binDirWithoutServerBinariesIsRefused() {
        assertOnlyProblem(failure(ConfigFixture.valid().set("postgresql.bin_dir", "/usr/bin")),
                "postgresql.bin_dir", "has no postgres, initdb, pg_ctl");
    }

    @Test
    void misspelledPatroniParameterIsRefusedWithTheReplacement() {
        ConfigException e = failure(ConfigFixture.valid()
                .set("bootstrap.dcs.postgresql.parameters.wal_keep_segment", 8));
        assertEquals("PostgreSQL 15 has no parameter of this name; did you mean wal_keep_segments? PostgreSQL 13"
                        + " replaced it with wal_keep_size (a size such as 128MB, not a count of 16 MB segments)",
                assertOnlyProblem(e, "bootstrap.dcs.postgresql.parameters.wal_keep_segment", "").reason());
    }

    @Test
    void misspelledLocalParameterGetsTheClosestName() {
        ConfigException e = failure(ConfigFixture.valid().set("postgresql.parameters.shared_bufers", "1GB"));
        assertOnlyProblem(e, "postgresql.parameters.shared_bufers", "did you mean shared_buffers?");
    }

    @Test
    void badValuesAreRefusedWithPostgresqlsReason() {
        ConfigException e = failure(ConfigFixture.valid()
                .set("bootstrap.dcs.postgresql.parameters.max_connections", 99999999)
                .set("postgresql.parameters.archive_mode", "sometimes")
                .set("postgresql.parameters.shared_buffers", "1 gigabyte")
                .set("postgresql.parameters.work_mem", "4MB"));
        assertEquals(3, e.problems().size(), e.getMessage());
        assertProblem(e, "bootstrap.dcs.postgresql.parameters.max_connections", "outside the valid range");
        assertProblem(e, "postgresql.parameters.archive_mode", "Available values: always, on, off.");
        assertProblem(e, "postgresql.parameters.shared_buffers", "invalid value for parameter");
    }

    @Test
    void parametersRaftgresCannotReplicateWithAreRefused() {
        ConfigException e = failure(ConfigFixture.valid().set("bootstrap.dcs.postgresql.parameters.wal_level",
                "minimal"));
        assertEquals("must be replica or logical for streaming replication, got minimal",
                assertOnlyProblem(e, "bootstrap.dcs.postgresql.parameters.wal_level", "").reason());
    }

    @Test
    void aRefusedSecretLookingValueIsNotShown() {
        ConfigException e = failure(ConfigFixture.valid().set("postgresql.parameters.password_encryption",
                "hunter2-secret"));
        assertEquals("PostgreSQL 15 refuses it: invalid value for parameter \"password_encryption\": \"******\""
                        + " (Available values: md5, scram-sha-256.)",
                assertOnlyProblem(e, "postgresql.parameters.password_encryption", "").reason());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void goodParametersPass() throws Exception {
        Path file = ConfigFixture.valid()
                .set("postgresql.bin_dir", "/usr/lib/postgresql/15/bin")
                .set("bootstrap.dcs.postgresql.parameters.max_connections", 100)
                .set("bootstrap.dcs.postgresql.parameters.wal_keep_size", "1GB")
                .set("bootstrap.dcs.postgresql.parameters.hot_standby_feedback", true)
                .set("postgresql.parameters.shared_buffers", "1GB")
                .write(dir);
        assertEquals("1GB", ConfigLoader.loadForThisHost(file, Map.of()).postgresql().parameters()
                .get("shared_buffers"));
    }
}
