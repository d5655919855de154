package io.raftgres.pgcontrol;

import io.raftgres.core.spi.PostgresControlException;
import io.raftgres.core.spi.StopMode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pg_ctl operations on one data directory: status, start, stop, reload, promote. Each waits (-w)
 * at most the configured pg_ctl timeout and throws {@link PostgresControlException} with pg_ctl's output
 * (plus the server log's tail for start) when it fails. Thread-safe; the caller serialises operations
 * on one data directory.
 */
final class PgCtl {

    static final String LOG_FILE = "postgresql.log";
    /** pg_ctl status: 0 = running, 3 = not running, 4 = no accessible data directory. */
    private static final int STATUS_RUNNING = 0;
    private static final int LOG_TAIL_LINES = 20;
    private static final int LOG_TAIL_BYTES = 16 * 1024;
    private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(10);

    private final PgControlConfig config;
    private final ToolRunner tools;

    PgCtl(PgControlConfig config, ToolRunner tools) {
        this.config = config;
        this.tools = tools;
    }

    /**
     * A postmaster runs on this data directory (it need not accept connections yet). Removes a stale
     * postmaster.pid first ({@link PostmasterCheck}): every start, rewind and clone asks this before it
     * acts, and a stale file would make PostgreSQL refuse to start and pg_rewind fail.
     */
    boolean isRunning() {
        PostmasterCheck.removeIfStale(config.dataDir());
        if (!Files.exists(config.dataDir().resolve("postmaster.pid"))) {
            return false;
        }
        return run(List.of("status"), SIGNAL_TIMEOUT).exitCode() == STATUS_RUNNING;
    }

    /** Starts the server and waits until it accepts connections (for a standby: until it is consistent). */
    void start() {
        Path log = config.runDir().resolve(LOG_FILE);
        long logSizeBefore = sizeOf(log);
        ToolRunner.ToolResult r = run(List.of("start", "-l", log.toString(), "-w", "-t", timeoutSeconds()),
                toolTimeout());
        if (!r.succeeded()) {
            throw new PostgresControlException("cannot start PostgreSQL in " + config.dataDir() + ": " + r.describe()
                    + serverLogSince(log, logSizeBefore));
        }
    }

    /**
     * Stops the server and waits until it is gone. FAST runs {@code pg_ctl stop -m fast} (bounded by the
     * pg_ctl timeout); IMMEDIATE is the fence and must be quick, so it signals the postmaster itself and
     * escalates to SIGKILL after {@link PgControlConfig#immediateStopGrace()} ({@link ImmediateStop}).
     *
     * @return false when nothing was running (no postmaster.pid, or a stale one)
     */
    boolean stop(StopMode mode) {
        if (mode == StopMode.IMMEDIATE) {
            return new ImmediateStop(config.dataDir(), config.immediateStopGrace()).run();
        }
        if (!Files.exists(config.dataDir().resolve("postmaster.pid"))) {
            return false;
        }
        ToolRunner.ToolResult r = run(List.of("stop", "-m", "fast", "-w", "-t", timeoutSeconds()), toolTimeout());
        if (r.succeeded()) {
            return true;
        }
        if (!isRunning()) {
            return false;
        }
        throw new PostgresControlException("cannot stop PostgreSQL (fast) in " + config.dataDir() + ": "
                + r.describe());
    }

    void reload() {
        ToolRunner.ToolResult r = run(List.of("reload"), SIGNAL_TIMEOUT);
        if (!r.succeeded()) {
            throw new PostgresControlException("cannot reload PostgreSQL in " + config.dataDir() + ": " + r.describe());
        }
    }

    /**
     * Signals promotion without waiting: pg_ctl's own wait (-w) polls pg_control for "in production"
     * and does not notice a postmaster that was stopped meanwhile (a fence during the promotion), so
     * it hung for its whole timeout (60 s). The caller waits, watching the postmaster.
     */
    void promote() {
        ToolRunner.ToolResult r = run(List.of("promote", "-W"), SIGNAL_TIMEOUT);
        if (!r.succeeded()) {
            throw new PostgresControlException("cannot promote PostgreSQL in " + config.dataDir() + ": "
                    + r.describe());
        }
    }

    private ToolRunner.ToolResult run(List<String> args, Duration timeout) {
        List<String> full = new ArrayList<>();
        full.add(args.getFirst());
        full.addAll(List.of("-D", config.dataDir().toString()));
        full.addAll(args.subList(1, args.size()));
        return tools.run("pg_ctl", full, Map.of(), timeout);
    }

    private String timeoutSeconds() {
        return Long.toString(Math.max(1, config.pgCtlTimeout().toSeconds()));
    }

    /** Our own bound on the pg_ctl process: its -t plus a margin, so pg_ctl reports its timeout itself. */
    private Duration toolTimeout() {
        return config.pgCtlTimeout().plusSeconds(15);
    }

    /**
     * The tail of what the server wrote to {@code log} from byte {@code offset} on, i.e. during this start
     * (pg_ctl appends): an older attempt's lines would point the operator at the wrong cause.
     */
    static String serverLogSince(Path log, long offset) {
        try {
            long size = sizeOf(log);
            long from = size < offset ? 0 : offset; // a shorter file was replaced: all of it is new
            if (size == from) {
                return "\n(the server wrote nothing to " + log + " during this attempt)";
            }
            byte[] written;
            try (var channel = Files.newByteChannel(log)) {
                var buffer = java.nio.ByteBuffer.allocate((int) Math.min(size - from, LOG_TAIL_BYTES));
                channel.position(size - buffer.capacity());
                while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                    // read what this attempt wrote, at most LOG_TAIL_BYTES from its end
                }
                written = java.util.Arrays.copyOf(buffer.array(), buffer.position());
            }
            List<String> lines = new String(written, StandardCharsets.UTF_8).strip().lines().toList();
            List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            return "\nserver log of this attempt (" + log + "):\n" + String.join("\n", tail);
        } catch (IOException e) {
            return "\n(server log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
