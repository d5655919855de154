package io.raftgres.pgcontrol;

import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file outside PGDATA ({@code runDir/clone-in-progress}) that exists exactly while a clone with
 * {@code pg_basebackup} is under way or was cut short (the agent was killed or stopped mid-copy).
 * Its presence proves that the data directory holds only a partial copy of another member's data,
 * never data of its own: such a directory must not be started, and the next clone may empty it.
 * Without the marker, a cut-short copy left files that no later clone would touch ("clone needs an
 * empty data directory"), and the member never became a replica again.
 */
final class CloneMarker {
    private static final Logger LOG = LoggerFactory.getLogger(CloneMarker.class);
    private static final String NAME = "clone-in-progress";

    private final Path file;
    private final OwnedFiles files;

    CloneMarker(Path runDir, OwnedFiles files) {
        this.file = runDir.resolve(NAME);
        this.files = files;
    }

    /** A clone was started and has not finished. */
    boolean present() {
        return Files.exists(file);
    }

    /** Before a clone: empties {@code dataDir} when an earlier clone was cut short there. */
    void removeLeftoversIn(Path dataDir) {
        if (present()) {
            LOG.warn("removing the partial copy an interrupted clone left in {}", dataDir);
            discard(dataDir);
        }
    }

    /** Empties {@code dataDir}, which holds only a partial copy, then removes the marker. */
    void discard(Path dataDir) {
        files.deleteContents(dataDir);
        clear();
    }

    /** The same question for the state probe, which writes nothing. */
    static boolean presentIn(Path runDir) {
        return Files.exists(runDir.resolve(NAME));
    }

    /** Written before {@code pg_basebackup} writes its first file. */
    void set(String from) {
        files.write(file, "pg_basebackup from " + from + " started; the data directory is incomplete until this file is gone\n");
    }

    /** Removed once the copy is complete and configured, or its leftovers were removed. */
    void clear() {
        files.delete(file);
    }
}
