package io.raftgres.pgcontrol;

import io.raftgres.core.spi.PostgresControlException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether the {@code postmaster.pid} of a data directory names a live PostgreSQL server of that
 * directory, or is stale. A host or container that was killed leaves the file behind, and after a restart
 * its PID is soon reused by something else (in a container PIDs start again from 1: one CI run had the
 * agent's own threads and pg_rewind's shell reuse it). PostgreSQL then refuses to start, and pg_rewind's
 * crash recovery fails ("lock file postmaster.pid already exists"), because both test the PID with
 * kill(pid, 0) only; pg_ctl status says "running" on a reused PID too.
 *
 * <p>Live means: the PID is alive (not a zombie), runs a {@code postgres} executable, has this data
 * directory as its working directory, and the file's line 2 names this directory. Anything else is stale.
 * Removing a stale file is safe: PostgreSQL's second interlock, the shared memory segment whose key the
 * file records, still stops a second postmaster while any process of the old one is attached. Stateless.
 */
final class PostmasterCheck {

    private static final Logger log = LoggerFactory.getLogger(PostmasterCheck.class);

    private PostmasterCheck() {
    }

    /**
     * The live postmaster (or single-user backend) of {@code dataDir}; empty when there is no
     * postmaster.pid or it is stale.
     *
     * @throws PostgresControlException when the file exists but cannot be read
     */
    static Optional<PostmasterPidFile> live(Path dataDir) {
        Optional<PostmasterPidFile> read = read(dataDir);
        return read.filter(file -> staleBecause(file, dataDir).isEmpty());
    }

    /**
     * Removes postmaster.pid (and its socket lock file) when it is stale, logging why at INFO; does
     * nothing when there is none or it names a live server.
     *
     * @return the files removed
     * @throws PostgresControlException when a file cannot be read or removed
     */
    static List<Path> removeIfStale(Path dataDir) {
        Optional<PostmasterPidFile> read = read(dataDir);
        if (read.isEmpty()) {
            return List.of();
        }
        Optional<String> stale = staleBecause(read.get(), dataDir);
        if (stale.isEmpty()) {
            return List.of();
        }
        List<Path> removed = KilledPostmasterLockFiles.remove(dataDir, read.get());
        if (!removed.isEmpty()) {
            log.info("removed stale lock files {} of {}: {}", removed, dataDir, stale.get());
        }
        return removed;
    }

    private static Optional<PostmasterPidFile> read(Path dataDir) {
        try {
            return PostmasterPidFile.read(dataDir);
        } catch (IOException e) {
            throw new PostgresControlException("cannot read " + PostmasterPidFile.FILE_NAME + " in " + dataDir
                    + ": " + e);
        }
    }

    /** Why the file is stale, in words for a log line; empty when it names a live server of dataDir. */
    static Optional<String> staleBecause(PostmasterPidFile file, Path dataDir) {
        LinuxProcess process = new LinuxProcess(file.pid());
        if (process.isGone()) {
            return Optional.of("PID " + file.pid() + " is not running");
        }
        String executable = process.executable().orElse("");
        if (!executable.equals("postgres") && !executable.endsWith("/postgres")) {
            return Optional.of("PID " + file.pid() + " is now '" + executable + "', not PostgreSQL");
        }
        Optional<Path> cwd = process.workingDirectory();
        boolean sameDirectory = cwd.map(d -> PostmasterPidFile.realPath(d).equals(PostmasterPidFile.realPath(dataDir)))
                .orElse(true);
        if (!file.names(dataDir) || !sameDirectory) {
            return Optional.of("PID " + file.pid() + " is a PostgreSQL process of "
                    + cwd.map(Path::toString).orElse("?") + " (the file says '" + file.dataDirectory() + "')");
        }
        return Optional.empty();
    }
}
