package io.raftgres.agent;

import io.raftgres.ha.DecisionLogger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.raftgres.agent.LocalAgentCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The logs of three real agents (separate processes, real PostgreSQL and Ratis) from start to a
 * clean stop: n1 writes JSON lines to {@code log.dir} with Ratis at INFO (so lines from Ratis'
 * own threads are there), n2 plain lines to {@code log.dir} rotated at 8 KB, n3 plain lines to
 * standard output. Every line names its member; no line of the HA thread repeats the one before it
 * within a minute (the steady "no action" sentences included); nothing logs Ratis' JMX name error or any stack trace. Shown to fail:
 * with {@code deduplicate_heartbeat_logs: false} the no-action check fails on the first cycles,
 * and without the member converter every plain line fails the pattern.
 */
@Tag("postgres")
class AgentLogTest {
    private static final Pattern PLAIN = Pattern.compile(
            "(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) (TRACE|DEBUG|INFO |WARN |ERROR) \\[(n\\d)( term=\\d+)?\\] (.*)");
    private static final long ROTATE_AT = 8192;

    @TempDir
    Path dir;

    /** One line: its time in ms, member, whether it came from the HA loop's thread, its message. */
    /** {@code term} is the HA line's term ("" elsewhere): a sentence repeated in a new term is a change. */
    record Line(long millis, String member, boolean haThread, String term, String message, String raw) { }

    @Test
    void everyLineNamesItsMemberAndAnUnchangedStateIsNotRepeated() throws Exception {
        try (LocalAgentCluster cluster = new LocalAgentCluster(dir, m -> switch (m.name()) {
            case "n1" -> "log: {type: json, dir: %s, loggers: {org.apache.ratis: INFO}}\n".formatted(m.dir().resolve("log"));
            case "n2" -> "log: {dir: %s, file_size: %d, file_num: 3, loggers: {org.apache.ratis: INFO}}\n"
                    .formatted(m.dir().resolve("log"), ROTATE_AT);
            default -> "";
        })) {
            try {
                cluster.startAllHealthy();
                Thread.sleep(20_000);
            } catch (AssertionError | Exception e) {
                throw new AssertionError(e.getMessage() + "\n" + cluster.logs(), e);
            }
            for (var m : cluster.members()) {
                cluster.stop(m);
            }
            List<Line> n1 = jsonLines(cluster.member("n1").dir().resolve("log/raftgres.log"), "n1");
            List<Line> n2 = plainLines(rotated(cluster.member("n2").dir().resolve("log")), "n2");
            List<Line> n3 = plainLines(List.of(cluster.member("n3").log()), "n3");

            assertTrue(n1.stream().anyMatch(l -> l.raw().contains("\"logger\":\"org.apache.ratis")
                    && !l.raw().contains("\"thread\":\"raftgres")), "n1 has lines from Ratis' own threads");
            // At the default levels (n3) a healthy run logs no stack trace at all; n1 and n2 run Ratis at
            // INFO, which prints some on shutdown.
            assertTrue(n3.stream().noneMatch(l -> l.message().startsWith("\tat ")), "no stack trace in n3's log");
            assertTrue(n1.stream().anyMatch(l -> l.message().startsWith("Successfully registered JMX Bean")),
                    "Ratis' bean is registered under its quoted name");
            for (List<Line> lines : List.of(n1, n2, n3)) {
                long span = (lines.getLast().millis() - lines.getFirst().millis()) / 1000;
                System.out.printf("%s: %d lines in %d s, %d of them from the HA loop's thread%n",
                        lines.getFirst().member(), lines.size(), span, lines.stream().filter(Line::haThread).count());
                assertTrue(lines.stream().anyMatch(l -> l.message().startsWith("no action")), lines.getFirst().member());
                assertNoRepeatedLine(lines);
                for (Line l : lines) {
                    assertFalse(l.raw().contains("Failed to register JMX") || l.raw().contains("MalformedObjectName"),
                            l.raw());
                }
            }
        }
    }

    private static void assertNoRepeatedLine(List<Line> lines) {
        Line previous = null;
        for (Line l : lines) {
            if (!l.haThread()) {
                continue;
            }
            if (previous != null && l.message().equals(previous.message()) && l.term().equals(previous.term())) {
                assertTrue(l.millis() - previous.millis() >= DecisionLogger.HEARTBEAT_MILLIS,
                        "repeated within a minute: " + previous.raw() + " / " + l.raw());
            }
            previous = l;
        }
    }

    private static List<Path> rotated(Path logDir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(logDir)) {
            files = new ArrayList<>(s.sorted().toList());
        }
        assertTrue(files.contains(logDir.resolve("raftgres.log.1")), "rotated at " + ROTATE_AT + " bytes: " + files);
        for (Path f : files) {
            // checked before each event is written: over the size by at most the last event
            assertTrue(Files.size(f) <= ROTATE_AT + lastEventBytes(f), f + " is " + Files.size(f) + " bytes");
            if (!f.getFileName().toString().equals("raftgres.log")) {
                assertTrue(Files.size(f) >= ROTATE_AT, "rotated only at the size: " + f);
            }
        }
        // oldest first: raftgres.log.3, .2, .1, then raftgres.log
        files.sort((a, b) -> Integer.compare(index(b), index(a)));
        return files;
    }

    /** Bytes of the file's last event: its trailing lines with the same time, level and member. */
    private static long lastEventBytes(Path f) throws IOException {
        List<String> lines = Files.readAllLines(f);
        String last = lines.getLast();
        String head = last.substring(0, last.indexOf("] ") + 2);
        long bytes = 0;
        for (int i = lines.size() - 1; i >= 0 && lines.get(i).startsWith(head); i--) {
            bytes += lines.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
        }
        return bytes;
    }

    private static int index(Path p) {
        String name = p.getFileName().toString();
        return name.equals("raftgres.log") ? 0 : Integer.parseInt(name.substring(name.lastIndexOf('.') + 1));
    }

    private static List<Line> plainLines(List<Path> files, String member) throws IOException {
        List<Line> lines = new ArrayList<>();
        long dayOffset = 0;
        long last = -1;
        for (Path f : files) {
            for (String raw : Files.readAllLines(f)) {
                Matcher m = PLAIN.matcher(raw);
                assertTrue(m.matches(), "not a '" + member + "' line: " + raw);
                assertEquals(member, m.group(3), raw);
                long millis = LocalTime.parse(m.group(1)).toNanoOfDay() / 1_000_000 + dayOffset;
                // past midnight; threads may also write a few ms out of order, which is no wrap
                if (millis < last - 43_200_000) {
                    dayOffset += 86_400_000;
                    millis += 86_400_000;
                }
                last = millis;
                lines.add(new Line(millis, member, m.group(4) != null, m.group(4) == null ? "" : m.group(4).trim().substring(5),
                        m.group(5), raw));
            }
        }
        return lines;
    }

    private static List<Line> jsonLines(Path file, String member) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Line> lines = new ArrayList<>();
        for (String raw : Files.readAllLines(file)) {
            JsonNode node = json.readTree(raw);
            assertEquals(member, node.get("member").asString(), raw);
            long millis = OffsetDateTime.parse(node.get("time").asString()).toInstant().toEpochMilli();
            lines.add(new Line(millis, member, node.has("term"), node.has("term") ? node.get("term").asString() : "",
                    node.get("message").asString(), raw));
        }
        return lines;
    }
}
