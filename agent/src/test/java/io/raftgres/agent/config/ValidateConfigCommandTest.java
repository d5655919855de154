package io.raftgres.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ValidateConfigCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Path file, Map<String, String> env) {
        return ValidateConfigCommand.run(file, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void reportsValidFileOnStdoutAndExitsZero() {
        Path file = ConfigFixture.valid().write(dir);

        assertEquals(ValidateConfigCommand.VALID, run(file, Map.of()));
        assertEquals(file + ": configuration is valid\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsEachProblemOnItsOwnLineToStderrAndExitsNonZero() {
        Path file = ConfigFixture.valid().remove("name").set("raft.partner_addrs", List.of("127.0.0.1:5011"))
                .write(dir);

        assertEquals(ValidateConfigCommand.INVALID, run(file, Map.of("RAFTGRES_LOG_LEVL", "debug")));
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertEquals("environment: RAFTGRES_LOG_LEVL: unknown variable; did you mean RAFTGRES_LOG_LEVEL?",
                lines.get(0));
        assertEquals(file + ": name: missing required key", lines.get(1));
        assertEquals(true, lines.get(2).startsWith(file + ": raft.partner_addrs: group size 2"), lines.get(2));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void reportsMissingFileWithoutStackTrace() {
        Path file = dir.resolve("absent.yml");

        assertEquals(ValidateConfigCommand.INVALID, run(file, Map.of()));
        assertEquals(file + ": cannot read: the file does not exist\n", err.toString(StandardCharsets.UTF_8));
    }
}
