package io.raftgres.pgcontrol;

import io.raftgres.core.model.Lsn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads timeline history files ({@code pg_wal/0000000N.history}). Each line is
 * {@code <parent tli> <switch point> <reason>}; the last line's switch point is where timeline N began.
 * Stateless.
 */
final class TimelineHistory {

    private TimelineHistory() {
    }

    /** The last line of a history file: the parent timeline, where it ended, and PostgreSQL's reason. */
    record Entry(long parentTimeline, Lsn switchPoint, String reason) {
    }

    /** How {@code timeline} began according to its history file in {@code dataDir}; empty for timeline 1 or no file. */
    static Optional<Entry> startOf(Path dataDir, long timeline) {
        if (timeline <= 1) {
            return Optional.empty();
        }
        Path file = dataDir.resolve("pg_wal").resolve(fileName(timeline));
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return lastEntry(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static String fileName(long timeline) {
        return String.format("%08X.history", timeline);
    }

    /** The last entry of a history file's text; empty when it has no valid entry. */
    static Optional<Entry> lastEntry(String content) {
        Entry last = null;
        for (String raw : content.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+", 3);
            if (fields.length >= 2) {
                try {
                    last = new Entry(Long.parseLong(fields[0]), Lsn.parse(fields[1]),
                            fields.length == 3 ? fields[2].strip() : null);
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.ofNullable(last);
    }
}
