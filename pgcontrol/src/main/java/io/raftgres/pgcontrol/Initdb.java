package io.raftgres.pgcontrol;

import io.raftgres.core.spi.PostgresControlException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs initdb for a new cluster: the superuser named in the configuration, its password read from a
 * temporary 0600 file in the run directory (deleted afterwards, also on failure), scram-sha-256 for TCP
 * and peer for unix sockets (pg_hba.conf is replaced afterwards anyway), plus the configured options.
 * Used once per bootstrap by {@link PgCtlPostgresControl}.
 */
final class Initdb {

    private static final String PWFILE = "initdb.pwfile";

    private final PgControlConfig config;
    private final ToolRunner tools;
    private final OwnedFiles files;

    Initdb(PgControlConfig config, ToolRunner tools, OwnedFiles files) {
        this.config = config;
        this.tools = tools;
        this.files = files;
    }

    void run() {
        Path pwfile = config.runDir().resolve(PWFILE);
        files.write(pwfile, config.superuser().password() + "\n");
        ToolRunner.ToolResult result;
        try {
            result = tools.run("initdb", arguments(pwfile), Map.of(), config.toolTimeout());
        } finally {
            files.delete(pwfile);
        }
        if (!result.succeeded()) {
            throw new PostgresControlException(result.describe());
        }
    }

    private List<String> arguments(Path pwfile) {
        List<String> args = new ArrayList<>(List.of("-D", config.dataDir().toString(),
                "-U", config.superuser().username(), "--pwfile=" + pwfile,
                "--auth-host=scram-sha-256", "--auth-local=peer"));
        args.addAll(longOptions(config.initdbOptions()));
        return args;
    }

    /** {@code data-checksums} becomes {@code --data-checksums}; options already dashed stay as they are. */
    static List<String> longOptions(List<String> options) {
        return options.stream().map(o -> o.startsWith("-") ? o : "--" + o).toList();
    }
}
