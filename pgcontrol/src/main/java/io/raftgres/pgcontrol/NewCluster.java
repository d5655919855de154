package io.raftgres.pgcontrol;

import io.raftgres.core.spi.PostgresControlException;
import io.raftgres.core.spi.StopMode;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A new cluster in an empty data directory: initdb, the primary's configuration, a start, the
 * roles raftgres needs, then Patroni's {@code post_bootstrap}. All or nothing: a failure at any
 * step stops what was started and empties the data directory, so a later attempt starts clean
 * (the caller decides whether and when there is one).
 */
final class NewCluster {
    private final PgControlConfig config;
    private final ToolRunner tools;
    private final OwnedFiles files;
    private final ConfigFiles configFiles;
    private final PgCtl pgCtl;
    private final JdbcSessions sessions;
    private final Map<String, String> clientEnvironment;
    private final Duration sqlTimeout;

    NewCluster(PgControlConfig config, ToolRunner tools, OwnedFiles files, ConfigFiles configFiles, PgCtl pgCtl,
               JdbcSessions sessions, Map<String, String> clientEnvironment, Duration sqlTimeout) {
        this.config = config;
        this.tools = tools;
        this.files = files;
        this.configFiles = configFiles;
        this.pgCtl = pgCtl;
        this.sessions = sessions;
        this.clientEnvironment = clientEnvironment;
        this.sqlTimeout = sqlTimeout;
    }

    /** Creates and starts the cluster; the data directory must be empty. Returns what was done. */
    String create() throws SQLException {
        configFiles.prepareRunDirectory();
        files.ensureDirectory(config.dataDir());
        boolean started = false;
        try {
            new Initdb(config, tools, files).run();
            configFiles.writePrimary();
            pgCtl.start();
            started = true;
            try (Connection c = sessions.local(sqlTimeout)) {
                RoleSetup.createRoles(c, config);
            }
            runPostBootstrap();
        } catch (RuntimeException | SQLException e) {
            discard(started, e);
            throw e;
        }
        return config.postBootstrap().isEmpty() ? "initdb, started as primary, roles created"
                : "initdb, started as primary, roles created, post_bootstrap succeeded";
    }

    /**
     * Patroni's {@code post_bootstrap}: the command with the superuser's connection URL (no password:
     * that comes from {@code PGPASSFILE}) as its last argument, as the PostgreSQL OS user. A failure
     * fails the bootstrap, whose data directory is then discarded.
     */
    private void runPostBootstrap() {
        List<String> command = config.postBootstrap();
        if (command.isEmpty()) {
            return;
        }
        String url = "postgresql://" + java.net.URLEncoder.encode(config.superuser().username(),
                java.nio.charset.StandardCharsets.UTF_8) + "@" + EnforcedParameters.localConnectHost(config.listenHost())
                + ":" + config.port() + "/postgres";
        List<String> args = new java.util.ArrayList<>(command.subList(1, command.size()));
        args.add(url);
        ToolRunner.ToolResult r = tools.run(command.getFirst(), args, clientEnvironment, config.toolTimeout());
        if (!r.succeeded()) {
            throw new PostgresControlException("post_bootstrap failed: " + r.describe());
        }
    }

    private void discard(boolean started, Exception cause) {
        try {
            if (started) {
                pgCtl.stop(StopMode.IMMEDIATE);
            }
            files.deleteContents(config.dataDir());
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
