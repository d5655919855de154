package io.raftgres.pgcontrol;

import io.raftgres.core.spi.PostgresControlException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two preconditions on PGDATA the data-directory operations start with: a directory to work on
 * (start, follow, rewind) or an empty one to fill (initdb, pg_basebackup). Each refusal names the
 * directory, so the operator sees what to fix; nothing is changed by a check.
 */
final class DataDirectoryChecks {

    private DataDirectoryChecks() {
    }

    /** Throws unless {@code dataDir} is missing or empty; {@code operation} names who needs it so. */
    static void requireEmpty(String operation, Path dataDir) {
        if (!OwnedFiles.isMissingOrEmpty(dataDir)) {
            throw new PostgresControlException(operation + " needs an empty data directory, but "
                    + dataDir + " has files");
        }
    }

    /** Throws unless {@code dataDir} holds a PostgreSQL data directory (its PG_VERSION file). */
    static void requireExisting(Path dataDir) {
        if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
            throw new PostgresControlException("no PostgreSQL data directory at " + dataDir);
        }
    }
}
