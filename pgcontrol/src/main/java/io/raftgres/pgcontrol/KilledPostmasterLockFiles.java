package io.raftgres.pgcontrol;

import io.raftgres.core.spi.PostgresControlException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes the lock files a SIGKILLed postmaster could not remove itself: {@code postmaster.pid} in the data
 * directory and {@code .s.PGSQL.<port>.lock} in its socket directory. Left behind they stop the next start,
 * and make {@code pg_ctl status} say "running", for as long as the dead postmaster is a zombie: both test
 * the PID in the file with kill(pid, 0), which succeeds on a zombie. An orphaned postmaster is reaped by
 * PID 1, at once under tini or systemd, but some inits reap only every second or so, and a JVM running as
 * PID 1 never does. Removing them is what the postmaster does on a normal exit; PostgreSQL's other
 * interlock, the shared memory segment, still holds, as killed processes are no longer attached to it.
 *
 * <p>Only files that still name the killed PID on their first line are removed, so a server started since
 * keeps its own. Called only once every process of that postmaster is gone. Stateless.
 */
final class KilledPostmasterLockFiles {

    private static final String SOCKET_LOCK_GLOB = ".s.PGSQL.*.lock";

    private KilledPostmasterLockFiles() {
    }

    /**
     * Removes the lock files of {@code killed} (as read before the kill) in {@code dataDir} and in its socket
     * directory.
     *
     * @return the files removed
     * @throws PostgresControlException when one of them cannot be read or removed
     */
    static List<Path> remove(Path dataDir, PostmasterPidFile killed) {
        List<Path> removed = new ArrayList<>();
        try {
            removeIfHeldBy(dataDir.resolve(PostmasterPidFile.FILE_NAME), killed.pid(), removed);
            if (!killed.socketDirectory().isEmpty()) {
                Path socketDir = Path.of(killed.socketDirectory());
                try (DirectoryStream<Path> locks = Files.newDirectoryStream(socketDir, SOCKET_LOCK_GLOB)) {
                    for (Path lock : locks) {
                        removeIfHeldBy(lock, killed.pid(), removed);
                    }
                } catch (NoSuchFileException e) {
                    // no socket directory, so no lock file in it
                }
            }
        } catch (IOException e) {
            throw new PostgresControlException("postmaster PID " + killed.pid() + " was killed, but its lock files"
                    + " cannot be removed (the next start may fail): " + e, e);
        }
        return removed;
    }

    private static void removeIfHeldBy(Path lockFile, long pid, List<Path> removed) throws IOException {
        String content;
        try {
            content = Files.readString(lockFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        }
        if (content.split("\n", 2)[0].strip().equals(Long.toString(pid)) && Files.deleteIfExists(lockFile)) {
            removed.add(lockFile);
        }
    }
}
