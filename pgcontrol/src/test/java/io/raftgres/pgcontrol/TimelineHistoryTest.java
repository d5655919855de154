package io.raftgres.pgcontrol;

import io.raftgres.core.model.Lsn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TimelineHistoryTest {

    @Test
    void lastEntryGivesTheParentWhereItEndedAndPostgresReason() {
        String history = "1\t0/3000060\tno recovery target specified\n\n# comment\n2\t0/5000A28\tno recovery target\n";
        assertEquals(Optional.of(new TimelineHistory.Entry(2, Lsn.parse("0/5000A28"), "no recovery target")),
                TimelineHistory.lastEntry(history));
        assertEquals(Optional.of(new TimelineHistory.Entry(4, Lsn.parse("0/10"), null)),
                TimelineHistory.lastEntry("4\t0/10\n"));
    }

    @Test
    void emptyOrMalformedHistoryHasNoStart() {
        assertEquals(Optional.empty(), TimelineHistory.lastEntry(""));
        assertEquals(Optional.empty(), TimelineHistory.lastEntry("1\tgarbage\treason\n"));
        assertEquals(Optional.empty(), TimelineHistory.lastEntry("one\t0/10\treason\n"));
    }

    @Test
    void readsTheCurrentTimelinesFileFromPgWal(@TempDir Path dataDir) throws Exception {
        Files.createDirectories(dataDir.resolve("pg_wal"));
        Files.writeString(dataDir.resolve("pg_wal/0000000A.history"), "9\t1/20\tx\n");
        assertEquals("0000000A.history", TimelineHistory.fileName(10));
        assertEquals(Optional.of(new TimelineHistory.Entry(9, Lsn.parse("1/20"), "x")), TimelineHistory.startOf(dataDir, 10));
        assertEquals(Optional.empty(), TimelineHistory.startOf(dataDir, 11));
        assertEquals(Optional.empty(), TimelineHistory.startOf(dataDir, 1));
    }

    @Test
    void summarisesPgRewindOutput() {
        assertEquals("servers diverged at WAL location 0/3022548 on timeline 1", RewindSource.summary(
                "pg_rewind: servers diverged at WAL location 0/3022548 on timeline 1\npg_rewind: Done!"));
        assertEquals("done", RewindSource.summary("pg_rewind: Done!"));
    }
}
