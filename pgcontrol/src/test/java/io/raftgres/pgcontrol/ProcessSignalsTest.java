package io.raftgres.pgcontrol;

import io.raftgres.pgcontrol.ProcessSignals.Signal;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kill(2) through the foreign function API, and what /proc then says, on a child {@code sleep}. */
class ProcessSignalsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void stopsContinuesAndKillsAProcess() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").directory(new File("/tmp")).start();
        try {
            LinuxProcess process = new LinuxProcess(sleep.pid());
            assertFalse(process.isGone());
            assertTrue(process.executable().orElseThrow().endsWith("/sleep"), process.executable().toString());
            assertEquals("sleep 30", process.commandLine());
            assertEquals(Path.of("/tmp"), process.workingDirectory().orElseThrow());

            assertTrue(ProcessSignals.send(sleep.pid(), Signal.SIGSTOP));
            PgFixture.await("sleep stopped", WAIT, process::isStopped);
            assertTrue(ProcessSignals.send(sleep.pid(), Signal.SIGCONT));
            PgFixture.await("sleep continued", WAIT, () -> !process.isStopped());

            assertTrue(ProcessSignals.send(sleep.pid(), Signal.SIGKILL));
            assertTrue(sleep.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals(128 + Signal.SIGKILL.number, sleep.exitValue());
            assertTrue(process.isGone());
            assertEquals("", process.commandLine());
        } finally {
            sleep.destroyForcibly();
        }
    }

    @Test
    void aMissingProcessIsReportedAsGone() {
        // Above pid_max (at most 2^22 on Linux), so no process can have it.
        assertFalse(ProcessSignals.send(Integer.MAX_VALUE, Signal.SIGQUIT));
        assertTrue(new LinuxProcess(Integer.MAX_VALUE).isGone());
    }

    @Test
    void neverSignalsAProcessGroup() {
        assertThrows(IllegalArgumentException.class, () -> ProcessSignals.send(0, Signal.SIGKILL));
        assertThrows(IllegalArgumentException.class, () -> ProcessSignals.send(-1, Signal.SIGKILL));
    }
}
