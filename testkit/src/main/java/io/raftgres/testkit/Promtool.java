package io.raftgres.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' {@code promtool check metrics} for tests of {@code /metrics}: the exposition
 * parser and linter every Prometheus user has. When it is missing and the tests run as root
 * with apt-get, {@link #find} installs Debian's {@code prometheus} package (what test.sh does
 * too); otherwise it says why it is unavailable, and the caller reports the test as skipped
 * with that reason, never as passed.
 */
public final class Promtool {
    private static final List<Path> LOCATIONS = List.of(Path.of("/usr/bin/promtool"), Path.of("/usr/local/bin/promtool"));
    private static final long INSTALL_MINUTES = 10;

    private final Path binary;
    private final String unavailable;

    private Promtool(Path binary, String unavailable) {
        this.binary = binary;
        this.unavailable = unavailable;
    }

    /** Outcome of one check: promtool's exit code and its combined output. */
    public record Result(int exitCode, String output) {
        public boolean passed() {
            return exitCode == 0 && output.isBlank();
        }
    }

    /** Finds promtool, installing it with apt-get when root; never throws. */
    public static synchronized Promtool find() {
        Optional<Path> found = locate();
        if (found.isPresent()) {
            return new Promtool(found.get(), null);
        }
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            return new Promtool(null, "promtool is not installed and cannot be installed here (needs root and apt-get;"
                    + " Debian package prometheus)");
        }
        try {
            Process p = new ProcessBuilder("sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive"
                    + " apt-get install -y -qq --no-install-recommends prometheus").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(INSTALL_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new Promtool(null, "installing prometheus for promtool took over " + INSTALL_MINUTES + " min");
            }
            return locate().map(path -> new Promtool(path, null)).orElseGet(() -> new Promtool(null,
                    "apt-get install prometheus did not provide promtool (exit " + p.exitValue() + "): " + tail(out)));
        } catch (IOException e) {
            return new Promtool(null, "cannot run apt-get to install promtool: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Promtool(null, "interrupted while installing promtool");
        }
    }

    /** Why promtool cannot be used, or empty when it can. */
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailable);
    }

    /** Runs {@code promtool check metrics} over {@code exposition} (fed on stdin). */
    public Result checkMetrics(String exposition) throws IOException, InterruptedException {
        if (binary == null) {
            throw new IllegalStateException(unavailable);
        }
        Process p = new ProcessBuilder(binary.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("promtool check metrics did not finish within 30 s");
        }
        return new Result(p.exitValue(), out);
    }

    private static Optional<Path> locate() {
        return LOCATIONS.stream().filter(Files::isExecutable).findFirst();
    }

    private static String tail(String text) {
        return text.length() <= 400 ? text : text.substring(text.length() - 400);
    }
}
