package io.raftgres.pgcontrol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code /proc/<pid>} tells about one process, read fresh on every call (a process may vanish or its
 * PID be reused at any time). Each read is a few microseconds, so the immediate stop can poll it.
 * Stateless and thread-safe; a missing or unreadable entry never throws, it yields "gone" or empty.
 *
 * @param pid the process id
 */
record LinuxProcess(long pid) {

    private static final String DELETED_SUFFIX = " (deleted)";

    private Path proc(String entry) {
        return Path.of("/proc", Long.toString(pid), entry);
    }

    /**
     * Whether the process has ended: no {@code /proc} entry, or a zombie (state Z or X). A zombie runs no
     * code and holds no locks or sockets; it only waits for its parent to reap it, which for an orphaned
     * postmaster is PID 1 (tini in our containers), so it counts as gone.
     */
    boolean isGone() {
        char state = state();
        return state == 0 || state == 'Z' || state == 'X';
    }

    /** Whether SIGSTOP took effect: state T (stopped) or t (tracing stop). */
    boolean isStopped() {
        char state = state();
        return state == 'T' || state == 't';
    }

    /**
     * The executable's path from {@code /proc/<pid>/exe} (without the " (deleted)" the kernel appends after
     * a package upgrade replaced the binary), else argv[0]: a non-root agent may not read another user's
     * exe link. Empty when neither is readable.
     */
    Optional<String> executable() {
        try {
            String exe = Files.readSymbolicLink(proc("exe")).toString();
            return Optional.of(exe.endsWith(DELETED_SUFFIX)
                    ? exe.substring(0, exe.length() - DELETED_SUFFIX.length()) : exe);
        } catch (IOException | UnsupportedOperationException e) {
            String argv0 = commandLine().split(" ", 2)[0];
            return argv0.isEmpty() ? Optional.empty() : Optional.of(argv0);
        }
    }

    /** The working directory: a postmaster's is its data directory (it chdirs there at start). */
    Optional<Path> workingDirectory() {
        try {
            return Optional.of(Files.readSymbolicLink(proc("cwd")));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /**
     * The command line with arguments separated by spaces; PostgreSQL's children overwrite theirs with
     * their role, e.g. {@code postgres: main: checkpointer}. Empty when unreadable or for a zombie.
     */
    String commandLine() {
        try {
            byte[] raw = Files.readAllBytes(proc("cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The state letter of {@code /proc/<pid>/stat} (R, S, D, T, Z, ...), 0 when there is no such process.
     * The letter follows the command name in parentheses, which may itself contain spaces and parentheses,
     * so it is found after the last ')'.
     */
    private char state() {
        try {
            String stat = Files.readString(proc("stat"), StandardCharsets.UTF_8);
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() ? 0 : stat.charAt(close + 2);
        } catch (IOException e) {
            return 0;
        }
    }
}
