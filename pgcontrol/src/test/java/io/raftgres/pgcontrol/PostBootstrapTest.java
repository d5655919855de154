package io.raftgres.pgcontrol;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Patroni's {@code post_bootstrap} and {@code postgresql.pgpass} with a real PostgreSQL 15: the
 * script runs once after initdb with the superuser's URL as its last argument and the pgpass file
 * at the configured path in PGPASSFILE, so it can create users with psql and no password on its
 * command line; a failing script fails the bootstrap and leaves no data directory behind.
 */
class PostBootstrapTest {
    private static final Path PSQL = PgBinaries.discover().resolve("psql");

    private static Path script(Path dir, String name, String body) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void runsTheScriptWithTheSuperuserUrlAndTheConfiguredPgpassFile() throws Exception {
        try (PgFixture fixture = PgFixture.create()) {
            Path args = fixture.root().resolve("args.txt");
            Path pgpass = fixture.root().resolve("secrets").resolve("pgpass");
            Path create = script(fixture.root(), "create-users.sh", "echo \"$@ $PGPASSFILE\" > " + args + "\n"
                    + "for url; do :; done\n" // the URL is the last argument
                    + "exec " + PSQL + " \"$url\" -v ON_ERROR_STOP=1 -c 'CREATE ROLE app LOGIN'");
            PgCtlPostgresControl member = fixture.member("n1",
                    b -> b.postBootstrap(List.of(create.toString(), "--verbose")).passfile(pgpass));

            member.bootstrap();

            try (Connection c = PgFixture.connect(member); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("select count(*) from pg_roles where rolname = 'app'")) {
                r.next();
                assertEquals(1, r.getInt(1), "the script created the role");
            }
            assertEquals("--verbose postgresql://postgres@127.0.0.1:" + member.config().port() + "/postgres "
                    + pgpass, Files.readString(args).strip());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pgpass)));
        }
    }

    /** Shown to fail: with the script's exit status ignored the bootstrap succeeds and the test fails. */
    @Test
    void aFailingScriptFailsTheBootstrapAndDiscardsTheDataDirectory() throws Exception {
        try (PgFixture fixture = PgFixture.create()) {
            Path broken = script(fixture.root(), "broken.sh", "echo 'role app: permission denied' >&2; exit 3");
            PgCtlPostgresControl member = fixture.member("n1", b -> b.postBootstrap(List.of(broken.toString())));

            Exception e = assertThrows(RuntimeException.class, member::bootstrap);

            assertTrue(e.getMessage().contains("post_bootstrap failed: " + broken + " exited 3"), e.getMessage());
            assertTrue(e.getMessage().contains("role app: permission denied"), e.getMessage());
            try (var files = Files.list(member.config().dataDir())) {
                assertEquals(0, files.count(), "the failed bootstrap's data directory is emptied");
            }
        }
    }
}
