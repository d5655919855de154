package io.raftgres.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AOT training run ({@code raftgres --aot-train DIR}) against real Ratis and the real REST API,
 * and the start-up line about the cache. The launcher's choice of cache is tested on the packaged
 * distribution by {@code scripts/test-aot-cache.sh}.
 */
class AotTrainingTest {

    @TempDir
    Path dir;

    @Test
    void trainingRunsRaftAndRestThenLeavesNothingBehind() {
        Path scratch = dir.resolve("scratch");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = AotTraining.run(scratch, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(scratch), "the scratch directory is removed");
    }

    @Test
    void trainingThatCannotWriteItsConfigFailsWithAReason() throws Exception {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "not a directory");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, AotTraining.run(file.resolve("scratch"), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("raftgres: AOT training failed: "), err.toString());
    }

    @Test
    void startLineSaysWhetherTheCacheIsUsed() {
        assertEquals(null, AotCacheNote.describe(null, "mixed mode, sharing"));
        assertTrue(AotCacheNote.describe("none", "mixed mode, sharing").startsWith("no AOT cache"));
        assertTrue(AotCacheNote.describe("stale", "mixed mode, sharing").contains("made for another JVM"));
        assertEquals("AOT cache in use: /d/aot/raftgres-k.aot",
                AotCacheNote.describe("/d/aot/raftgres-k.aot", "mixed mode, sharing"));
        assertTrue(AotCacheNote.describe("/d/aot/raftgres-k.aot", "mixed mode")
                .startsWith("the JVM did not map the AOT cache /d/aot/raftgres-k.aot"));
    }
}
