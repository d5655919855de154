package io.raftgres.pgcontrol;

import io.raftgres.core.decide.RetryPolicy;
import io.raftgres.core.spi.PostgresControlException;
import io.raftgres.core.spi.Upstream;

import java.util.List;

/**
 * Makes this member's data directory a copy of a running member's: pg_basebackup into an empty
 * directory ({@link #cloneFrom}), or pg_rewind of a stopped, diverged one back onto the source's
 * timeline ({@link #rewind}). Both end with this member configured as a replica of the source, and
 * neither leaves a half copy that could be started: a failed clone removes what it wrote, and a
 * failed rewind removes the directory when so configured (for a re-clone).
 *
 * <p>The tools connect with the pgpass file ({@link ConfigFiles#clientEnvironment}); no password is on
 * a command line. Called by {@link PgCtlPostgresControl} inside its timed operations, one at a time per
 * data directory; stateless apart from its collaborators.
 */
final class UpstreamCopy {

    private final PgControlConfig config;
    private final ToolRunner tools;
    private final OwnedFiles files;
    private final ConfigFiles configFiles;
    private final PgCtl pgCtl;
    private final JdbcSessions sessions;

    UpstreamCopy(PgControlConfig config, ToolRunner tools, OwnedFiles files, ConfigFiles configFiles, PgCtl pgCtl,
                 JdbcSessions sessions) {
        this.config = config;
        this.tools = tools;
        this.files = files;
        this.configFiles = configFiles;
        this.pgCtl = pgCtl;
        this.sessions = sessions;
    }

    /**
     * pg_basebackup from {@code from} into the (emptied of a former clone's leftovers) data directory,
     * marked as in progress until it succeeded. Returns the outcome for the log line.
     */
    String cloneFrom(Upstream from, String description) {
        CloneMarker marker = new CloneMarker(config.runDir(), files);
        marker.removeLeftoversIn(config.dataDir());
        DataDirectoryChecks.requireEmpty("clone", config.dataDir());
        configFiles.prepareRunDirectory();
        files.ensureDirectory(config.dataDir());
        marker.set(description);
        ToolRunner.ToolResult r = tools.run("pg_basebackup", List.of("-D", config.dataDir().toString(),
                        "-h", from.host(), "-p", Integer.toString(from.port()),
                        "-U", config.replication().username(), "-X", "stream", "-c", "fast", "-w"),
                configFiles.clientEnvironment(), config.toolTimeout());
        if (!r.succeeded()) {
            marker.discard(config.dataDir());
            throw new PostgresControlException(r.describe() + " (partial data directory removed)");
        }
        configFiles.writeReplica(from, null);
        marker.clear();
        return "stopped, configured as replica";
    }

    /**
     * pg_rewind of the stopped data directory from {@code from}, after making sure the source's
     * pg_control names its current timeline ({@link RewindSource}). A source that could not be used
     * is reported with {@link RetryPolicy#REWIND_SOURCE_UNAVAILABLE}, so the agent retries rather than
     * taking it as a failed rewind. Returns the outcome for the log line.
     */
    String rewind(Upstream from) {
        DataDirectoryChecks.requireExisting(config.dataDir());
        if (pgCtl.isRunning()) {
            throw new PostgresControlException("PostgreSQL must be stopped before pg_rewind");
        }
        configFiles.prepareRunDirectory();
        new RewindSource(config, sessions).ensureCheckpointOnCurrentTimeline(from);
        ToolRunner.ToolResult r = tools.run("pg_rewind", List.of("--target-pgdata=" + config.dataDir(),
                "--source-server=" + configFiles.renderer().rewindSource(from)), configFiles.clientEnvironment(),
                config.toolTimeout());
        if (!r.succeeded() && RewindSource.sourceUnavailable(r.output())) {
            throw new PostgresControlException(RetryPolicy.REWIND_SOURCE_UNAVAILABLE + ": " + r.describe());
        }
        if (!r.succeeded()) {
            if (config.removeDataDirectoryOnRewindFailure()) {
                files.deleteContents(config.dataDir());
                throw new PostgresControlException(r.describe() + " (data directory removed to re-clone)");
            }
            throw new PostgresControlException(r.describe());
        }
        configFiles.writeReplica(from, null);
        return RewindSource.summary(r.output());
    }
}
