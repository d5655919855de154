package io.raftgres.pgcontrol;

import io.raftgres.core.spi.PostgresControlException;
import org.slf4j.Logger;

import java.sql.SQLException;

/**
 * How a {@link PgCtlPostgresControl} operation reports: one INFO line with its outcome and duration
 * when it succeeds; when it fails nothing is logged and a {@link PostgresControlException} names the
 * operation, its duration and why (the tool's output, or the exception's text). Never sees a password:
 * the tools and sessions behind the operations read them from the pgpass file.
 *
 * <p>Stateless apart from the logger, so it may be shared by concurrent callers.
 */
final class OperationLog {

    /** The body of an operation; returns a few words on the outcome for the log line. */
    @FunctionalInterface
    interface Operation {
        String run() throws SQLException;
    }

    private final Logger log;

    /** @param log the logger the lines go to (the control's own, so operators see one source) */
    OperationLog(Logger log) {
        this.log = log;
    }

    /** Runs {@code body} and logs its outcome, or throws {@link #failure} for whatever it threw. */
    void timed(String operation, Operation body) {
        long started = System.nanoTime();
        String outcome;
        try {
            outcome = body.run();
        } catch (SQLException | RuntimeException e) {
            throw failure(operation, started, e);
        }
        log.info("{}: {} in {} ms", operation, outcome, millisSince(started));
    }

    /** The exception for {@code operation}, started at {@code started} (nanoTime), that failed with {@code e}. */
    static PostgresControlException failure(String operation, long started, Exception e) {
        String why = e instanceof PostgresControlException ? e.getMessage() : e.toString();
        return new PostgresControlException(operation + " failed after " + millisSince(started) + " ms: " + why, e);
    }

    static long millisSince(long nanoStart) {
        return (System.nanoTime() - nanoStart) / 1_000_000;
    }
}
