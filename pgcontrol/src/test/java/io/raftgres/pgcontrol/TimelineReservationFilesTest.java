package io.raftgres.pgcontrol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.Lsn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TimelineReservation}'s file rules, without PostgreSQL (what PostgreSQL makes of the files is
 * {@link TimelineReservationTest}'s): every missing number gets a file, an existing file is never
 * touched, and a standby start removes only the placeholders that end the run of history files.
 */
class TimelineReservationFilesTest {

    private static final String REAL_3 = "1\t0/3000000\tno recovery target specified\n";

    @TempDir
    Path dataDir;
    private TimelineReservation reservation;

    @BeforeEach
    void walDirectory() throws IOException {
        Files.createDirectories(dataDir.resolve("pg_wal"));
        reservation = new TimelineReservation(dataDir, new OwnedFiles("postgres", false));
    }

    @Test
    void everyMissingNumberGetsAPlaceholderAndAnExistingFileIsKept() throws IOException {
        write(3, REAL_3);
        assertEquals(List.of(2L, 4L, 5L), reservation.reserve(1, 5));
        assertEquals(REAL_3, read(3));
        assertTrue(read(4).startsWith(TimelineReservation.MARKER));
        assertEquals(new TimelineHistory.Entry(1, Lsn.parse("0/1"), "reserved by raftgres"),
                TimelineHistory.lastEntry(read(4)).orElseThrow(), "one valid line for the parent");
        assertEquals(List.of(), reservation.reserve(1, 5), "nothing twice");
        assertEquals(List.of(), reservation.reserve(5, 5), "nothing at or below the current timeline");
        assertTrue(TimelineReservation.isPlaceholder(dataDir, 4));
        assertFalse(TimelineReservation.isPlaceholder(dataDir, 3));
        assertFalse(TimelineReservation.isPlaceholder(dataDir, 9), "no file");
    }

    @Test
    void anUnknownTimelineReservesNothing() {
        var e = assertThrows(IllegalStateException.class, () -> reservation.reserve(0, 3));
        assertEquals("cannot reserve timelines up to 3: the current timeline is unknown", e.getMessage());
        assertFalse(Files.exists(dataDir.resolve("pg_wal").resolve(TimelineHistory.fileName(2))));
    }

    @Test
    void aStandbyStartRemovesOnlyThePlaceholdersThatEndTheRun() throws IOException {
        reservation.reserve(1, 2);
        write(3, REAL_3);
        reservation.reserve(3, 5);
        reservation.reserve(6, 7);
        assertEquals(List.of(5L, 4L), reservation.removeUnused(1), "7 lies beyond the gap at 6: not searched");
        assertTrue(TimelineReservation.isPlaceholder(dataDir, 2), "below the real 3: the search needs it");
        assertEquals(REAL_3, read(3));
        assertTrue(TimelineReservation.isPlaceholder(dataDir, 7));
        assertEquals(List.of(), reservation.removeUnused(1));
        Files.delete(dataDir.resolve("pg_wal").resolve(TimelineHistory.fileName(3)));
        assertEquals(List.of(2L), reservation.removeUnused(1), "without the real file the placeholder ends the run");
    }

    private void write(long timeline, String content) throws IOException {
        Files.writeString(dataDir.resolve("pg_wal").resolve(TimelineHistory.fileName(timeline)), content);
    }

    private String read(long timeline) throws IOException {
        return Files.readString(dataDir.resolve("pg_wal").resolve(TimelineHistory.fileName(timeline)),
                StandardCharsets.UTF_8);
    }
}
