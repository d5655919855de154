package io.raftgres.agent;

import io.raftgres.core.model.TimelineOrigin;
import io.raftgres.ha.OriginMarker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The origin of the data directory's timeline in a file outside PGDATA
 * ({@code runDir/timeline-origin}, one line {@code timeline member term}), so it outlives the
 * agent process with the data directory it describes. Read once at start, then cached; written
 * atomically (a temporary file renamed over it). A file that cannot be read means "unknown",
 * which is what every data directory was before this file existed.
 */
final class FileOriginMarker implements OriginMarker {
    private static final Logger LOG = LoggerFactory.getLogger(FileOriginMarker.class);
    static final String NAME = "timeline-origin";

    private final Path file;
    private volatile TimelineOrigin cached;

    FileOriginMarker(Path runDir) {
        this.file = runDir.resolve(NAME);
        this.cached = load(file);
    }

    @Override
    public TimelineOrigin read() {
        return cached;
    }

    @Override
    public synchronized void write(TimelineOrigin origin) {
        try {
            if (origin == null) {
                Files.deleteIfExists(file);
            } else {
                Files.createDirectories(file.getParent());
                Path tmp = file.resolveSibling(NAME + ".tmp");
                Files.writeString(tmp, origin.toText() + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            cached = origin;
        } catch (IOException e) {
            // Unknown is safe: the decider then compares timeline numbers only, as before.
            cached = null;
            LOG.warn("could not keep the origin of the data directory's timeline in {}: {}", file, e.getMessage());
            throw new UncheckedIOException(e);
        }
    }

    private static TimelineOrigin load(Path file) {
        try {
            return Files.exists(file) ? TimelineOrigin.parse(Files.readString(file, StandardCharsets.UTF_8)) : null;
        } catch (IOException e) {
            LOG.warn("could not read {}: {}; the origin of the data directory's timeline is unknown", file, e.getMessage());
            return null;
        }
    }
}
