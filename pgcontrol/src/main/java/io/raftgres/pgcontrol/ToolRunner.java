package io.raftgres.pgcontrol;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs PostgreSQL's command-line tools and captures their output. When this JVM runs as root the
 * tools run as the configured OS user through {@code runuser} (PostgreSQL refuses root). Thread-safe:
 * every call starts its own process.
 *
 * <p>Secrets never go on a command line: callers pass passwords through a pgpass file named in the
 * child's environment. The child's environment drops inherited {@code PG*} variables so only what the
 * caller passes applies, and sets {@code LC_ALL=C} (except for initdb, which derives the cluster's
 * locale from the environment) so output such as pg_controldata's can be parsed.
 */
final class ToolRunner {

    private static final Logger log = LoggerFactory.getLogger(ToolRunner.class);
    private static final int OUTPUT_TAIL_CHARS = 4000;
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);
    /** util-linux' runuser; by absolute path because a service's PATH may lack /usr/sbin. */
    private static final String RUNUSER = Files.isExecutable(Path.of("/usr/sbin/runuser")) ? "/usr/sbin/runuser"
            : "runuser";

    private final Path binDir;
    private final String osUser;
    private final boolean switchUser;

    ToolRunner(Path binDir, String osUser, boolean switchUser) {
        this.binDir = binDir;
        this.osUser = osUser;
        this.switchUser = switchUser;
    }

    boolean switchesUser() {
        return switchUser;
    }

    /**
     * Runs {@code tool} from the bin directory and waits at most {@code timeout}; a tool still running then
     * is terminated and reported as timed out. Failures to start the process throw UncheckedIOException.
     */
    ToolResult run(String tool, List<String> args, Map<String, String> env, Duration timeout) {
        return run(tool, args, env, timeout, OUTPUT_TAIL_CHARS);
    }

    /** {@link #run(String, List, Map, Duration)} keeping the last {@code outputChars} characters of output. */
    ToolResult run(String tool, List<String> args, Map<String, String> env, Duration timeout, int outputChars) {
        List<String> command = new ArrayList<>();
        if (switchUser) {
            command.addAll(List.of(RUNUSER, "-u", osUser, "--"));
        }
        command.add(binDir.resolve(tool).toString());
        command.addAll(args);
        long started = System.nanoTime();
        Path out = null;
        Process process = null;
        try {
            out = Files.createTempFile("raftgres-" + Path.of(tool).getFileName() + "-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(new File("/"))
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            prepareEnvironment(builder.environment(), tool, env);
            process = builder.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroy();
                if (!process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            String output = tail(Files.readString(out, StandardCharsets.UTF_8), outputChars);
            ToolResult result = new ToolResult(tool, finished ? process.exitValue() : -1, output, millis, !finished);
            log.debug("{} {} -> {} in {} ms", tool, args, result.exitCode(), millis);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy(); // only started processes can be waited on, so process is set here
            throw new IllegalStateException("interrupted while running " + tool + " (terminated it)", e);
        } finally {
            deleteQuietly(out);
        }
    }

    private static void prepareEnvironment(Map<String, String> environment, String tool, Map<String, String> env) {
        environment.keySet().removeIf(name -> name.startsWith("PG"));
        if (tool.equals("initdb")) {
            environment.putIfAbsent("LC_MESSAGES", "C");
        } else {
            environment.put("LC_ALL", "C");
        }
        environment.putAll(env);
    }

    private static String tail(String text, int chars) {
        String trimmed = text.strip();
        return trimmed.length() <= chars ? trimmed : "..." + trimmed.substring(trimmed.length() - chars);
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot delete temporary output file {}: {}", file, e.toString());
        }
    }

    /** Whether this process runs with effective uid 0 (read from /proc, else from user.name). */
    static boolean runningAsRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).trim().split("\\s+");
                    return ids.length > 1 && ids[1].equals("0");
                }
            }
        } catch (IOException e) {
            log.debug("no /proc/self/status ({}); using user.name", e.toString());
        }
        return "root".equals(System.getProperty("user.name"));
    }

    /** What a tool did: exit code (-1 when it timed out), its combined output (tail), and how long it ran. */
    record ToolResult(String tool, int exitCode, String output, long millis, boolean timedOut) {
        boolean succeeded() {
            return !timedOut && exitCode == 0;
        }

        /** One sentence for an exception message: the outcome and the tool's output. */
        String describe() {
            String outcome = timedOut ? tool + " timed out after " + millis + " ms"
                    : tool + " exited " + exitCode + " after " + millis + " ms";
            return output.isEmpty() ? outcome : outcome + ": " + output;
        }
    }
}
