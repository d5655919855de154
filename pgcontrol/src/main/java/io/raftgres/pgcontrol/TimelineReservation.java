package io.raftgres.pgcontrol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Placeholder timeline history files: before a promotion, one {@code pg_wal/<timeline>.history}
 * for every number above the current timeline up to the cluster's timeline ceiling that has no
 * file yet. PostgreSQL's promotion picks one above the last of an unbroken run of history files
 * above its own timeline, so it skips every number another member's promotion may have taken
 * without this member ever seeing that member's file (core's {@code TimelineCeiling} says which).
 * The other branch then is not in the new primary's history, and a member on it is rewound (or
 * re-cloned) like any diverged member. Each number gets a file, not just the highest: a gap ends
 * PostgreSQL's search.
 *
 * <p>The content is a valid history whose one line says the placeholder forked from the current
 * timeline at {@code 0/1}, before every WAL position ({@code 0/0} would mean "no end" to
 * PostgreSQL). So no standby ever takes a placeholder as its recovery target: its rescan for a newer
 * timeline finds the fork before its replay position and stays; a standby <em>starting</em> with a
 * placeholder above its own timeline would stop with "requested timeline N is not a child of this
 * server's history", which is why {@link #removeUnused} removes such placeholders before a
 * standby starts (a promotion that failed after reserving, or an agent that died in between).
 * After the promotion the placeholders lie below the new timeline and stay: a standby fetches every
 * history file between its timeline and its primary's from the primary, which must have them.
 *
 * <p>A file that exists is never touched (a real history file, or an earlier placeholder). Files
 * are written atomically (temporary name, rename), owned by the PostgreSQL OS user, 0600, and
 * flushed with their directory before the promotion may pick a number above them. Placeholders are
 * not archived: with a shared WAL archive, PostgreSQL also finds the real files there.
 */
final class TimelineReservation {

    /** First line of every placeholder: what tells this class's files from PostgreSQL's. */
    static final String MARKER = "# raftgres timeline placeholder";

    private static final Logger LOG = LoggerFactory.getLogger(TimelineReservation.class);

    private final Path walDir;
    private final OwnedFiles files;

    TimelineReservation(Path dataDir, OwnedFiles files) {
        this.walDir = dataDir.resolve("pg_wal");
        this.files = files;
    }

    /**
     * Writes a placeholder for every number in {@code (current, upTo]} without a history file;
     * returns the numbers written, lowest first (empty when none was missing).
     */
    List<Long> reserve(long current, long upTo) {
        if (current < 1) {
            // never promote blind: the placeholders' parent and range depend on it
            throw new IllegalStateException("cannot reserve timelines up to " + upTo + ": the current timeline is unknown");
        }
        List<Long> written = new ArrayList<>();
        for (long timeline = current + 1; timeline <= upTo; timeline++) {
            Path file = fileOf(timeline);
            if (Files.exists(file)) {
                continue;
            }
            files.write(file, content(timeline, current));
            flush(file);
            written.add(timeline);
        }
        if (!written.isEmpty()) {
            flush(walDir);
        }
        return written;
    }

    /**
     * Before a standby start: removes the placeholders that end the unbroken run of history files above
     * {@code checkpointTimeline} (pg_control's, where PostgreSQL's search for the newest timeline starts),
     * the ones a promotion reserved and never went past. A placeholder below a real file of the run stays:
     * without it the search would stop short of the real one. Returns the numbers removed, highest first.
     */
    List<Long> removeUnused(long checkpointTimeline) {
        List<Long> run = new ArrayList<>();
        for (long t = Math.max(checkpointTimeline, 1) + 1; Files.exists(fileOf(t)); t++) {
            run.add(t);
        }
        List<Long> removed = new ArrayList<>();
        try {
            for (int i = run.size() - 1; i >= 0 && isPlaceholder(fileOf(run.get(i))); i--) {
                files.delete(fileOf(run.get(i)));
                removed.add(run.get(i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a history file in " + walDir, e);
        }
        if (!removed.isEmpty()) {
            flush(walDir);
            LOG.info("removed timeline placeholders {} before starting as a standby: the promotion that reserved"
                    + " them did not happen, and PostgreSQL would take the highest for its recovery target", removed);
        }
        return removed;
    }

    private Path fileOf(long timeline) {
        return walDir.resolve(TimelineHistory.fileName(timeline));
    }

    static String content(long timeline, long parent) {
        return MARKER + " for timeline " + timeline + ", written before a promotion from timeline " + parent + ".\n"
                + "# Another member's promotion may have taken this number without this member seeing its history\n"
                + "# file; this file makes PostgreSQL pick a higher one. No server runs this timeline: it forks\n"
                + "# from its parent before all WAL, so no standby follows it.\n"
                + parent + "\t0/1\treserved by raftgres\n";
    }

    /** Whether {@code dataDir}'s history file for {@code timeline} is one of this class's placeholders. */
    static boolean isPlaceholder(Path dataDir, long timeline) {
        try {
            return isPlaceholder(dataDir.resolve("pg_wal").resolve(TimelineHistory.fileName(timeline)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the history file of timeline " + timeline, e);
        }
    }

    private static boolean isPlaceholder(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.findFirst().filter(first -> first.startsWith(MARKER)).isPresent();
        }
    }

    /** fsync: the placeholder must outlast a crash whenever the new timeline above it does. */
    private static void flush(Path path) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot flush " + path, e);
        }
    }
}
