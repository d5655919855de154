package io.raftgres.pgcontrol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code <PGDATA>/postmaster.pid} says about the postmaster that holds the data directory. It writes
 * lines 1-5 in one write() when it takes the directory: line 1 its PID (negated by a single-user
 * backend), line 2 the data directory as an absolute path, line 5 its first unix socket directory (empty
 * until the socket exists; later lines are appended then). The file outlives a postmaster that was killed, so the PID it names may
 * be dead or reused by an unrelated process; {@link ImmediateStop} checks the process before signalling.
 *
 * @param pid           the process id (positive)
 * @param singleUser    the file was written by a single-user backend, not a postmaster
 * @param dataDirectory line 2; empty when the file has only one line
 * @param socketDirectory line 5, where the socket's lock file is; empty when absent
 */
record PostmasterPidFile(long pid, boolean singleUser, String dataDirectory, String socketDirectory) {

    static final String FILE_NAME = "postmaster.pid";

    PostmasterPidFile {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive, got " + pid);
        }
    }

    /**
     * Reads the file of {@code dataDir}. Empty when it is missing, or when its first line is not a
     * process id (also the case in the microseconds between the postmaster creating and writing it;
     * pg_ctl treats both as "no server running" too).
     *
     * @throws IOException when the file exists but cannot be read
     */
    static Optional<PostmasterPidFile> read(Path dataDir) throws IOException {
        try {
            return parse(Files.readString(dataDir.resolve(FILE_NAME), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** The file's content parsed; empty when line 1 is not a non-zero integer that fits a pid_t. */
    static Optional<PostmasterPidFile> parse(String content) {
        String[] lines = content.split("\n", -1);
        long pid;
        try {
            pid = Long.parseLong(lines[0].strip());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (pid == 0 || Math.abs(pid) > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        return Optional.of(new PostmasterPidFile(Math.abs(pid), pid < 0, line(lines, 1), line(lines, 4)));
    }

    private static String line(String[] lines, int index) {
        return lines.length > index ? lines[index].strip() : "";
    }

    /**
     * Whether line 2 names {@code dataDir}, comparing real paths so that a symlinked or differently spelled
     * path still matches. A file without line 2 matches (nothing contradicts it).
     */
    boolean names(Path dataDir) {
        if (dataDirectory.isEmpty()) {
            return true;
        }
        try {
            return realPath(Path.of(dataDirectory)).equals(realPath(dataDir));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** The real path when it resolves, else the normalized absolute path. */
    static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
