package io.raftgres.agent.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import io.raftgres.agent.config.LogSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import javax.management.MalformedObjectNameException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The process-wide Logback setup, driven through real files: rotation by size with Logback's
 * rolling appender, one valid JSON object per line, the member on lines of every thread, and
 * Ratis' JMX name error dropped (and nothing else of its logger).
 */
class LogSetupTest {
    private static final Logger LOG = LoggerFactory.getLogger("raftgres.test");

    @TempDir
    Path dir;

    @AfterEach
    void restoreTestLogging() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        new ContextInitializer(ctx).autoConfig();
    }

    private static LogSettings settings(Path dir, boolean json, long fileSize, int fileNum) {
        return new LogSettings("INFO", json, dir, fileSize, fileNum, Map.of("raftgres.quiet", "WARN"),
                Map.of("cluster", "prod-eu"), true);
    }

    @Test
    void rotatesAtTheConfiguredSizeAndKeepsFileNumFiles() throws IOException {
        LogSetup.apply("n7", settings(dir, false, 4096, 2));
        String filler = "x".repeat(80);
        for (int i = 0; i < 300; i++) {
            LOG.info("line {} {}", i, filler);
        }

        List<String> names;
        try (Stream<Path> files = Files.list(dir)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("raftgres.log", "raftgres.log.1", "raftgres.log.2"), names);
        for (String name : names) {
            long size = Files.size(dir.resolve(name));
            assertTrue(size <= 4096 + 200, name + " grew past the size by more than one line: " + size);
        }
        assertTrue(Files.size(dir.resolve("raftgres.log.1")) >= 4096, "rotated at the size, not earlier");
        List<String> newest = Files.readAllLines(dir.resolve("raftgres.log"));
        assertTrue(newest.getLast().contains("line 299 "), newest.getLast());
        assertTrue(newest.stream().allMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[n7\\] line .*")),
                newest.getFirst());
    }

    @Test
    void jsonLinesAreValidJsonAndNameTheMemberOnEveryThread() throws Exception {
        LogSetup.apply("n7", settings(dir, true, 1_000_000, 2));
        MDC.put(LogSetup.TERM, "4");
        LOG.info("taking the leader key: \"quoted\", tab\t, newline\nsecond line");
        MDC.remove(LogSetup.TERM);
        LOG.error("with a stack trace", new IllegalStateException("boom"));
        Thread other = new Thread(() -> LoggerFactory.getLogger("org.example.library").warn("from a library thread"),
                "library-thread");
        other.start();
        other.join();
        LoggerFactory.getLogger("raftgres.quiet").info("below the level this logger was given");

        List<String> lines = Files.readAllLines(dir.resolve("raftgres.log"));
        assertEquals(3, lines.size(), String.join("\n", lines));
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> parsed = lines.stream().map(json::readTree).toList();
        for (JsonNode line : parsed) {
            assertEquals("n7", line.get("member").asString());
            assertEquals("prod-eu", line.get("cluster").asString());
            assertTrue(line.get("time").asString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}.+"));
        }
        assertEquals("taking the leader key: \"quoted\", tab\t, newline\nsecond line",
                parsed.get(0).get("message").asString());
        assertEquals("4", parsed.get(0).get("term").asString());
        assertFalse(parsed.get(1).has("term"));
        assertTrue(parsed.get(1).get("exception").asString().contains("IllegalStateException: boom"));
        assertEquals("library-thread", parsed.get(2).get("thread").asString());
    }

    /**
     * The exact event Ratis 3.3.0's JmxRegister logs at every start is dropped; the same logger's
     * failure for the quoted name, the one that matters, still passes. Shown to fail: without
     * {@code ctx.addTurboFilter(...)} in LogSetup the first line appears in the file.
     */
    @Test
    void dropsRatisUnquotedJmxNameErrorOnly() throws IOException {
        LogSetup.apply("n7", settings(dir, false, 1_000_000, 2));
        Logger jmx = LoggerFactory.getLogger(RatisJmxNameFilter.LOGGER);
        jmx.error("Failed to register JMX Bean with name Ratis:service=RaftServer,group=g,id=127.0.0.1:5010",
                new MalformedObjectNameException("Invalid character ':' in value part of property"));
        jmx.error("Failed to register JMX Bean with name Ratis:service=RaftServer,group=g,id=\"127.0.0.1:5010\"",
                new MalformedObjectNameException("something else"));

        String text = Files.readString(dir.resolve("raftgres.log"));
        assertFalse(text.contains("id=127.0.0.1:5010"), text);
        assertTrue(text.contains("ERROR [n7] Failed to register JMX Bean with name Ratis:service=RaftServer,group=g,"
                + "id=\"127.0.0.1:5010\""), text);
        assertTrue(text.lines().count() > 3, "the stack trace is in the file");
        assertTrue(text.lines().allMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ERROR \\[n7\\] .*")),
                "every line of a multi-line event names the member: " + text);
    }

    @Test
    void refusesALogDirThatCannotBeCreated() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");

        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LogSetup.apply("n7", settings(notADirectory.resolve("logs"), false, 1_000_000, 2)));

        assertTrue(e.getMessage().startsWith("cannot create log.dir " + notADirectory.resolve("logs")), e.getMessage());
    }
}
