package io.raftgres.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The daemon's command line: bad input gets a clear error and starts nothing. */
class MainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
    }

    @Test
    void rejectsUnknownArgumentsWithUsage() {
        assertEquals(2, run("--frobnicate"));
        assertTrue(err.toString().contains("unrecognized arguments: --frobnicate"), err.toString());
        assertTrue(err.toString().contains("raftgres -c FILE"), err.toString());
    }

    @Test
    void refusesToStartOnATwoMemberGroupAndTouchesNothing() throws Exception {
        Path raftDir = dir.resolve("raft");
        Path file = dir.resolve("bad.yml");
        Files.writeString(file, """
                scope: t
                name: n1
                raft: {self_addr: "127.0.0.1:5010", partner_addrs: ["127.0.0.1:5011"], data_dir: %s}
                postgresql:
                  listen: "127.0.0.1:5433"
                  data_dir: %s
                  authentication: {superuser: {username: postgres, password: "a"}, replication: {username: r, password: "b"}}
                """.formatted(raftDir, dir.resolve("pg")));
        assertEquals(1, run("-c", file.toString()));
        assertTrue(err.toString().contains(file + ": raft.partner_addrs:"), err.toString());
        assertTrue(err.toString().contains("not started"), err.toString());
        assertFalse(Files.exists(raftDir), "nothing may be created for a refused configuration");
    }

    @Test
    void validatesAConfigurationWithoutStartingAnything() throws Exception {
        Path file = dir.resolve("missing.yml");
        assertEquals(1, run("--validate-config", file.toString()));
        assertTrue(err.toString().contains(file.toString()), err.toString());
    }
}
