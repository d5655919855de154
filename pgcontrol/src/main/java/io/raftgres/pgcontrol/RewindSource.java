package io.raftgres.pgcontrol;

import io.raftgres.core.decide.RetryPolicy;
import io.raftgres.core.spi.PostgresControlException;
import io.raftgres.core.spi.Upstream;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Prepares the source of a pg_rewind and summarises its outcome. Stateless apart from configuration.
 *
 * <p>Why a checkpoint: pg_rewind reads the source's timeline from its pg_control, which a freshly
 * promoted primary updates only at its first checkpoint after promotion (a spread checkpoint that can
 * take minutes). Until then pg_rewind sees both sides on the old timeline, says no rewind is required
 * and leaves the target diverged. So when the source's last checkpoint is on an older timeline than its
 * WAL, we run CHECKPOINT on it first (as the superuser) — what Patroni waits for as
 * "checkpoint after promote".
 */
final class RewindSource {

    private static final Duration CHECKPOINT_TIMEOUT = Duration.ofMinutes(5);
    private static final String TIMELINES = """
            select pg_is_in_recovery(),
                   (select timeline_id from pg_control_checkpoint()),
                   case when pg_is_in_recovery() then null
                        else ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint end""";

    private final PgControlConfig config;
    private final JdbcSessions sessions;

    RewindSource(PgControlConfig config, JdbcSessions sessions) {
        this.config = config;
        this.sessions = sessions;
    }

    /** Runs CHECKPOINT on a primary {@code source} whose pg_control still names an older timeline. */
    void ensureCheckpointOnCurrentTimeline(Upstream source) {
        try (Connection c = sessions.open(source.host(), source.port(), config.superuser(), CHECKPOINT_TIMEOUT);
             Statement st = c.createStatement()) {
            boolean stale;
            try (ResultSet rs = st.executeQuery(TIMELINES)) {
                rs.next();
                stale = !rs.getBoolean(1) && rs.getLong(2) < rs.getLong(3);
            }
            if (stale) {
                st.execute("CHECKPOINT");
            }
        } catch (SQLException e) {
            // Nothing has touched the data directory yet: whatever the cause, the rewind can be retried.
            // No cause attached: the executor reports the root cause's message, which must keep the marker.
            throw new PostgresControlException(RetryPolicy.REWIND_SOURCE_UNAVAILABLE
                    + ": cannot check the checkpoint timeline of rewind source "
                    + source.member() + " (" + source.host() + ":" + source.port() + "): " + e.getMessage());
        }
    }

    /**
     * Whether pg_rewind failed before it changed the target: it could not use its source server
     * (libpq's connection failures and the server's refusals while starting, stopping or in recovery).
     */
    static boolean sourceUnavailable(String output) {
        return SOURCE_UNAVAILABLE.matcher(output).find();
    }

    private static final java.util.regex.Pattern SOURCE_UNAVAILABLE = java.util.regex.Pattern.compile(
            "could not connect to server|connection to server .* failed|timeout expired"
                    + "|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)"
                    + "|source server must not be in recovery mode");

    /** The line of pg_rewind's output that says what it did (where the servers diverged), else "done". */
    static String summary(String output) {
        for (String line : output.split("\n")) {
            if (line.contains("diverged") || line.contains("no rewind required")) {
                return line.replaceFirst("^pg_rewind: ", "").strip();
            }
        }
        return "done";
    }
}
