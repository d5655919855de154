package io.raftgres.agent;

import io.raftgres.core.model.TimelineOrigin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The origin of the data directory's timeline outlives the agent process, and a bad file means "unknown". */
class FileOriginMarkerTest {

    @Test
    void aWrittenOriginIsReadByTheNextAgentProcessAndAClearRemovesIt(@TempDir Path runDir) {
        new FileOriginMarker(runDir).write(new TimelineOrigin(4, "n2", 11));
        assertEquals("4 n2 11\n", read(runDir));
        FileOriginMarker restarted = new FileOriginMarker(runDir);
        assertEquals(new TimelineOrigin(4, "n2", 11), restarted.read());
        restarted.write(null);
        assertFalse(Files.exists(runDir.resolve(FileOriginMarker.NAME)));
        assertNull(new FileOriginMarker(runDir).read());
    }

    @Test
    void aMalformedFileIsUnknown(@TempDir Path runDir) throws Exception {
        Files.writeString(runDir.resolve(FileOriginMarker.NAME), "4 n2\n");
        assertNull(new FileOriginMarker(runDir).read());
        Files.writeString(runDir.resolve(FileOriginMarker.NAME), "four n2 11\n");
        assertNull(new FileOriginMarker(runDir).read());
    }

    private static String read(Path runDir) {
        try {
            return Files.readString(runDir.resolve(FileOriginMarker.NAME));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
