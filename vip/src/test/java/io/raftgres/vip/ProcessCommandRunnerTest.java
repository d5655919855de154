package io.raftgres.vip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessCommandRunnerTest {

    private static final Duration GENEROUS = Duration.ofSeconds(10);
    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    @Test
    void returnsTheExitCodeAndBothOutputStreams() {
        CommandResult result = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), GENEROUS);

        assertEquals(3, result.exitCode());
        assertFalse(result.succeeded());
        assertTrue(result.output().contains("out") && result.output().contains("err"), result.output());
        assertEquals("exit 3: out err", result.describe());
    }

    @Test
    void runsToolsWithTheCLocaleAndNoInput() {
        CommandResult locale = runner.run(List.of("sh", "-c", "echo $LC_ALL"), GENEROUS);
        CommandResult cat = runner.run(List.of("cat"), GENEROUS);

        assertEquals("C", locale.output());
        assertTrue(cat.succeeded(), "stdin is /dev/null, so cat must end at once: " + cat.describe());
    }

    @Test
    void doesNotPassArgumentsThroughAShell() {
        CommandResult result = runner.run(List.of("echo", "a; exit 7"), GENEROUS);

        assertEquals(CommandResult.exited(0, "a; exit 7"), result);
    }

    @Test
    void reportsAMissingProgramInsteadOfThrowing() {
        CommandResult result = runner.run(List.of("/nonexistent/raftgres-no-such-tool", "x"), GENEROUS);

        assertEquals(CommandResult.NO_EXIT_CODE, result.exitCode());
        assertTrue(result.output().contains("/nonexistent/raftgres-no-such-tool"), result.output());
    }

    @Test
    void killsAToolThatOverrunsItsTimeoutTogetherWithItsChildren() throws InterruptedException {
        long start = System.nanoTime();
        CommandResult result = runner.run(List.of("sh", "-c", "sleep 30 & echo $!; wait"), Duration.ofMillis(300));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(result.timedOut(), result.describe());
        assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "took " + took);
        long child = Long.parseLong(result.output().lines().findFirst().orElseThrow().trim());
        for (int i = 0; i < 40 && isRunning(child); i++) {
            Thread.sleep(50);
        }
        assertFalse(isRunning(child), "child " + child + " survived");
    }

    /** Alive and not a zombie waiting for init to reap it (a killed orphan can linger as one). */
    private static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void keepsOnlyTheFirstPartOfAHugeOutput() {
        CommandResult result = runner.run(List.of("sh", "-c", "head -c 200000 /dev/zero | tr '\\0' a"), GENEROUS);

        assertTrue(result.succeeded(), result.describe());
        assertEquals(ProcessCommandRunner.MAX_OUTPUT_BYTES, result.output().length());
    }
}
