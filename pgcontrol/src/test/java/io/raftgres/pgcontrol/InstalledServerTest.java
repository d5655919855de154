package io.raftgres.pgcontrol;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bin_dir and parameter checks against the real PostgreSQL 15 binaries of this machine (run as the
 * postgres user when the test runs as root, as the agent does). Fake bin directories are shell scripts.
 */
class InstalledServerTest {

    private static InstalledServer pg15;

    @TempDir
    Path dir;

    @BeforeAll
    static void inspectRealBinaries() {
        pg15 = InstalledServer.inspect(PgBinaries.DEBIAN_PG15, "postgres");
    }

    @Test
    void realBinariesAreASupportedPostgresql() {
        assertEquals(15, pg15.major());
        assertTrue(pg15.version().startsWith("15."), pg15.version());
        assertTrue(pg15.suggestibleNames().contains("wal_keep_size"));
        assertTrue(pg15.suggestibleNames().containsAll(java.util.Set.of("archive_mode", "shared_buffers", "work_mem")),
                "every name postgres --describe-config lists, not only the last few KB");
        assertTrue(pg15.suggestibleNames().contains("wal_keep_segments"), "removed names are suggested too");
    }

    @Test
    void missingDirectoryIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> InstalledServer.inspect(Path.of("/nonexistent"), "postgres"));
        assertTrue(e.getMessage().startsWith("does not exist"), e.getMessage());
    }

    @Test
    void directoryWithoutTheServerBinariesIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> InstalledServer.inspect(Path.of("/usr/bin"), "postgres"));
        assertTrue(e.getMessage().startsWith("has no postgres, initdb, pg_ctl"), e.getMessage());
    }

    @Test
    void unsupportedMajorIsRefused() throws Exception {
        Path bin = fakeBinDir("12.9");
        var e = assertThrows(IllegalArgumentException.class, () -> InstalledServer.inspect(bin, "postgres"));
        assertEquals("holds PostgreSQL 12.9; raftgres supports PostgreSQL 13 to 17", e.getMessage());
    }

    @Test
    void somethingThatIsNotPostgresqlIsRefused() throws Exception {
        Path bin = fakeBinDir(null);
        var e = assertThrows(IllegalArgumentException.class, () -> InstalledServer.inspect(bin, "postgres"));
        assertTrue(e.getMessage().startsWith("'postgres --version' did not report a PostgreSQL version"),
                e.getMessage());
    }

    @Test
    void acceptedParametersGiveNoVerdict() {
        assertEquals(Map.of(), pg15.refusedParameters(Map.of("shared_buffers", "16MB", "max_connections", "30",
                "wal_level", "logical", "pg_stat_statements.track", "all", "fsync", "on", "work_mem", "4MB")));
    }

    @Test
    void unknownNamesAndBadValuesAreRefusedByPostgresqlItself() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("wal_keep_segment", "8");
        parameters.put("Max_Connections", "99999999");
        parameters.put("wal_level", "bogus");
        parameters.put("fsync", "maybe");
        parameters.put("work_mem", "4 megs");
        parameters.put("shared_buffers", "16MB");
        var refused = pg15.refusedParameters(parameters);
        assertEquals(new ParameterVerdicts.Refusal("PostgreSQL 15 has no parameter of this name", true),
                refused.get("wal_keep_segment"));
        assertEquals("PostgreSQL 15 refuses it: 99999999 is outside the valid range for parameter"
                + " \"Max_Connections\" (1 .. 262143)", refused.get("Max_Connections").reason());
        assertEquals("PostgreSQL 15 refuses it: invalid value for parameter \"wal_level\": \"bogus\""
                + " (Available values: minimal, replica, logical.)", refused.get("wal_level").reason());
        assertEquals("PostgreSQL 15 refuses it: parameter \"fsync\" requires a Boolean value",
                refused.get("fsync").reason());
        assertTrue(refused.get("work_mem").reason().contains("Valid units for this parameter are"),
                refused.get("work_mem").reason());
        assertEquals(5, refused.size(), refused.toString());
    }

    @Test
    void removedParametersNameTheirReplacement() {
        assertTrue(InstalledServer.replacementOf("wal_keep_segments").orElseThrow().contains("wal_keep_size"));
        assertTrue(InstalledServer.replacementOf("shared_buffers").isEmpty());
    }

    /** A bin directory of scripts that print {@code version} like PostgreSQL's tools (null: no version). */
    private Path fakeBinDir(String version) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String tool : InstalledServer.TOOLS) {
            Path script = dir.resolve(tool);
            Files.writeString(script, "#!/bin/sh\necho \"" + (version == null ? "not a database"
                    : tool + " (PostgreSQL) " + version) + "\"\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }
}
