package io.raftgres.agent;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.raftgres.agent.LocalAgentCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three real agents with real PostgreSQL 15 whose bootstrap.dcs parameters name a preload library that
 * does not exist: the parameter check accepts it (PostgreSQL loads libraries only when it starts), initdb
 * succeeds and every start fails. Each member tries at most {@value io.raftgres.core.decide.RetryPolicy#BOOTSTRAP_ATTEMPTS}
 * times, backing off between attempts, then gives up; afterwards nothing runs initdb, the Raft term stays
 * put, and each member says why once a cycle. Before the fix initdb ran again right after every failure
 * (41 times on one member in 90 s, Raft churning to term 49), so the counts below kept growing.
 */
@Tag("postgres")
class FailedBootstrapTest {

    private static final String MISSING_LIBRARY = "no_such_library_xyz";
    private static final Pattern TERM = Pattern.compile("\\[n\\d term=(\\d+)]");
    private static final Duration QUIET_WINDOW = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void failedBootstrapStopsAfterBoundedAttemptsAndTheClusterStaysCalm() throws Exception {
        try (LocalAgentCluster cluster = new LocalAgentCluster(dir, ", shared_preload_libraries: " + MISSING_LIBRARY)) {
            cluster.runShowingLogs(this::run);
        }
    }

    private void run(LocalAgentCluster cluster) throws Exception {
        for (var m : cluster.members()) {
            cluster.start(m);
        }
        await("every member to give up bootstrapping", Duration.ofSeconds(240),
                () -> cluster.members().stream().allMatch(m -> log(m).contains("bootstrap failed 3 times here")));
        Map<String, Integer> attempts = new HashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        for (var m : cluster.members()) {
            attempts.put(m.name(), count(log(m), "initdb failed: "));
            lines.put(m.name(), log(m).split("\n").length);
        }
        long term = lastTerm(cluster);
        Thread.sleep(QUIET_WINDOW.toMillis());

        for (var m : cluster.members()) {
            String log = log(m);
            assertEquals(attempts.get(m.name()), count(log, "initdb failed: "), m.name() + " ran initdb again");
            assertTrue(attempts.get(m.name()) <= io.raftgres.core.decide.RetryPolicy.BOOTSTRAP_ATTEMPTS,
                    m.name() + " tried " + attempts.get(m.name()) + " times");
            assertTrue(log.contains("could not access file \"" + MISSING_LIBRARY + "\""),
                    m.name() + " names PostgreSQL's reason");
            int newLines = log.split("\n").length - lines.get(m.name());
            assertTrue(newLines <= 3 * QUIET_WINDOW.toSeconds(), m.name() + " wrote " + newLines + " lines in "
                    + QUIET_WINDOW.toSeconds() + " s while idle");
            assertTrue(cluster.status(m, "/primary") != 200, m.name() + " must not be primary");
        }
        assertEquals(term, lastTerm(cluster), "the Raft term must not move while every member has given up");
        int total = attempts.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(total >= 1, "at least one bootstrap was tried");
        System.out.printf("bootstrap attempts per member: %s; Raft term at rest: %d%n", attempts, term);
    }

    private static String log(LocalAgentCluster.Member m) {
        try {
            return Files.exists(m.log()) ? Files.readString(m.log()) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    private static long lastTerm(LocalAgentCluster cluster) {
        long term = 0;
        for (var m : cluster.members()) {
            Matcher matcher = TERM.matcher(log(m));
            while (matcher.find()) {
                term = Math.max(term, Long.parseLong(matcher.group(1)));
            }
        }
        return term;
    }
}
