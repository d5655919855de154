package io.raftgres.pgcontrol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostmasterPidFileTest {

    /** What PostgreSQL 15 writes, up to the status line's trailing blanks. */
    private static final String WRITTEN_BY_POSTGRES_15 = """
            4242
            /var/lib/postgresql/15/main
            1700000000
            5432
            /var/run/postgresql
            127.0.0.1
              5432001         0
            ready   \n""";

    @Test
    void readsThePidAndTheDirectories() {
        PostmasterPidFile file = PostmasterPidFile.parse(WRITTEN_BY_POSTGRES_15).orElseThrow();
        assertEquals(new PostmasterPidFile(4242, false, "/var/lib/postgresql/15/main", "/var/run/postgresql"), file);
    }

    @Test
    void aNegativePidMeansASingleUserBackend() {
        assertEquals(Optional.of(new PostmasterPidFile(77, true, "/data", "")), PostmasterPidFile.parse("-77\n/data\n"));
    }

    @Test
    void aFileWithOnlyThePidNamesEveryDirectory() {
        PostmasterPidFile file = PostmasterPidFile.parse("999999\n").orElseThrow();
        assertEquals("", file.dataDirectory());
        assertEquals("", file.socketDirectory());
        assertTrue(file.names(Path.of("/anywhere")));
    }

    @Test
    void contentWithoutAUsablePidIsNoServer() {
        for (String content : new String[] {"", "\n", "pid\n/data\n", "0\n/data\n", "4294967296\n/data\n",
                "12 34\n/data\n"}) {
            assertEquals(Optional.empty(), PostmasterPidFile.parse(content), content);
        }
    }

    @Test
    void namesComparesRealPaths(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), data);
        Path other = Files.createDirectory(dir.resolve("other"));
        PostmasterPidFile file = new PostmasterPidFile(1, false, link.toString(), "");
        assertTrue(file.names(data));
        assertTrue(file.names(dir.resolve("other/../data")));
        assertFalse(file.names(other));
        assertFalse(new PostmasterPidFile(1, false, "/no/such/dir", "").names(data));
    }

    @Test
    void readsTheFileOfADataDirectory(@TempDir Path data) throws Exception {
        assertEquals(Optional.empty(), PostmasterPidFile.read(data));
        Files.writeString(data.resolve(PostmasterPidFile.FILE_NAME), "123\n" + data + "\n");
        assertEquals(Optional.of(new PostmasterPidFile(123, false, data.toString(), "")), PostmasterPidFile.read(data));
    }
}
