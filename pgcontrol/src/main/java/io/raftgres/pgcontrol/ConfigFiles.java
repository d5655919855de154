package io.raftgres.pgcontrol;

import io.raftgres.core.spi.Upstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Puts raftgres' configuration into PGDATA and the run directory: postgresql.conf (initdb's original
 * kept as postgresql.base.conf), pg_hba.conf, standby.signal for replicas, and the pgpass file outside
 * PGDATA. Called by the operation in progress only (one at a time per data directory).
 */
final class ConfigFiles {

    static final String PASSFILE = "pgpass";

    private final PgControlConfig config;
    private final OwnedFiles files;
    private final PgConfigRenderer renderer;
    /** What this process last rendered: null before the first write; see {@link Rendered}. */
    private volatile Rendered rendered;

    /** A rendered role: primary ({@code replica == null}) or replica of {@code replica}. */
    record Rendered(PgConfigRenderer.ReplicaTarget replica) {
    }

    ConfigFiles(PgControlConfig config, OwnedFiles files) {
        this.config = config;
        this.files = files;
        this.renderer = new PgConfigRenderer(config);
    }

    PgConfigRenderer renderer() {
        return renderer;
    }

    Path passfile() {
        return config.passfile();
    }

    /**
     * Environment of the client tools (pg_basebackup, pg_rewind, post_bootstrap): passwords from the
     * pgpass file written here, this member as the application name, a bounded connect.
     */
    Map<String, String> clientEnvironment() {
        return Map.of("PGPASSFILE", passfile().toString(), "PGAPPNAME", config.memberName(), "PGCONNECT_TIMEOUT", "5");
    }

    /** Creates the run directory (socket, log, pgpass) and writes the pgpass file. */
    void prepareRunDirectory() {
        files.ensureDirectory(config.runDir());
        files.ensureDirectory(passfile().getParent());
        files.write(passfile(), renderer.pgpass());
    }

    /** Configures PGDATA to run as a primary: no standby.signal, no primary_conninfo. */
    void writePrimary() {
        writeConf(null);
        files.delete(config.dataDir().resolve("standby.signal"));
        rendered = new Rendered(null);
    }

    /** The role last rendered by this object or the one it {@link #inherit inherited} from; null if none. */
    Rendered rendered() {
        return rendered;
    }

    /** Takes over what {@code previous} (the same data directory, older parameters) last rendered. */
    void inherit(ConfigFiles previous) {
        if (rendered == null) {
            rendered = previous.rendered;
        }
    }

    /** Re-renders postgresql.conf in the role last rendered (with this object's parameters). */
    void rewrite(Rendered role) {
        writeConf(role.replica());
    }

    /** Configures PGDATA as a standby of {@code upstream}, streaming through {@code slotName} when not null. */
    void writeReplica(Upstream upstream, String slotName) {
        PgConfigRenderer.ReplicaTarget target = new PgConfigRenderer.ReplicaTarget(upstream, slotName);
        writeConf(target);
        files.write(config.dataDir().resolve("standby.signal"), "");
        rendered = new Rendered(target);
    }

    private void writeConf(PgConfigRenderer.ReplicaTarget replica) {
        prepareRunDirectory();
        adoptBaseConf();
        Path dataDir = config.dataDir();
        files.write(dataDir.resolve("postgresql.conf"), renderer.postgresqlConf(replica, passfile().toString()));
        files.write(dataDir.resolve("pg_hba.conf"), renderer.pgHba());
    }

    /**
     * Keeps the settings initdb wrote (or that came with a cloned directory) as postgresql.base.conf,
     * which our postgresql.conf includes. Runs before every write because pg_basebackup and pg_rewind
     * bring the source's files.
     */
    private void adoptBaseConf() {
        Path base = config.dataDir().resolve(PgConfigRenderer.BASE_CONF);
        if (Files.exists(base)) {
            return;
        }
        Path conf = config.dataDir().resolve("postgresql.conf");
        try {
            if (Files.exists(conf) && !PgConfigRenderer.isOurs(Files.readString(conf, StandardCharsets.UTF_8))) {
                files.move(conf, base);
            } else {
                files.write(base, "# placeholder written by raftgres: no original postgresql.conf was found\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + conf, e);
        }
    }
}
