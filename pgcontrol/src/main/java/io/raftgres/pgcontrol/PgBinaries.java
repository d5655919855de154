package io.raftgres.pgcontrol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Finds the PostgreSQL 15 server binaries when no bin_dir is configured. Stateless. */
public final class PgBinaries {

    /** Debian's location for PostgreSQL 15; not on PATH. */
    static final Path DEBIAN_PG15 = Path.of("/usr/lib/postgresql/15/bin");

    private PgBinaries() {
    }

    /**
     * Debian's PostgreSQL 15 directory when it holds pg_ctl, else what {@code pg_config --bindir} prints.
     *
     * @throws IllegalStateException when neither yields a directory with pg_ctl
     */
    public static Path discover() {
        if (Files.isExecutable(DEBIAN_PG15.resolve("pg_ctl"))) {
            return DEBIAN_PG15;
        }
        try {
            Process process = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("pg_config --bindir did not answer within 10 s; configure binDir");
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            Path dir = Path.of(out);
            if (process.exitValue() == 0 && dir.isAbsolute() && Files.isExecutable(dir.resolve("pg_ctl"))) {
                return dir;
            }
            throw new IllegalStateException("pg_config --bindir gave '" + out + "' without pg_ctl; configure binDir");
        } catch (IOException e) {
            throw new IllegalStateException("no PostgreSQL binaries in " + DEBIAN_PG15
                    + " and pg_config is not runnable; configure binDir", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running pg_config --bindir", e);
        }
    }
}
