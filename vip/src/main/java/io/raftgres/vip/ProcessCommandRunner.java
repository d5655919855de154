package io.raftgres.vip;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs tools as child processes with {@link ProcessBuilder}, without a shell.
 *
 * <p>The child gets {@code LC_ALL=C} so its messages are the English ones operators search for,
 * stdin from {@code /dev/null} so nothing can wait for input, and stderr merged into stdout. Output
 * is drained on a virtual thread so a chatty tool cannot stall on a full pipe; at most
 * {@value #MAX_OUTPUT_BYTES} bytes are kept. A tool that overruns its timeout is killed together
 * with its descendants, and the call still returns within a short, fixed grace period after the
 * timeout.
 *
 * <p>Thread-safe and stateless.
 */
public final class ProcessCommandRunner implements CommandRunner {

    static final int MAX_OUTPUT_BYTES = 16 * 1024;
    /** How long a killed tool may take to go after its timeout. */
    static final Duration GRACE = Duration.ofMillis(500);

    @Override
    public CommandResult run(List<String> argv, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(List.copyOf(argv))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("LC_ALL", "C");
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            return CommandResult.failedToRun("cannot start " + argv.getFirst() + ": " + e.getMessage());
        }
        CompletableFuture<String> output = new CompletableFuture<>();
        Thread.ofVirtual().name("raftgres-cmd-output").start(() -> output.complete(drain(process.getInputStream())));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                return CommandResult.timedOut(collect(output));
            }
            return CommandResult.exited(process.exitValue(), collect(output));
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            return CommandResult.failedToRun("interrupted while waiting for " + argv.getFirst());
        }
    }

    /** Kills the tool and its children; waits briefly for it to go, unless interrupted. */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The output read so far; a descendant may still hold the pipe open, so do not wait long. */
    private static String collect(CompletableFuture<String> output) throws InterruptedException {
        try {
            return output.get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return "(output not available: the pipe was still open " + GRACE.toMillis() + " ms after exit)";
        } catch (ExecutionException e) {
            return "(output not available: " + e.getCause() + ")";
        }
    }

    private static String drain(InputStream in) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                kept.write(buffer, 0, Math.max(0, Math.min(n, MAX_OUTPUT_BYTES - kept.size())));
            }
        } catch (IOException e) {
            // The stream closes under us when the process is killed; keep what was read.
            kept.writeBytes(("\n(output cut: " + e.getMessage() + ")").getBytes(StandardCharsets.UTF_8));
        }
        return kept.toString(StandardCharsets.UTF_8);
    }
}
