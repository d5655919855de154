package io.raftgres.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The node image (Debian base, PostgreSQL 15, jlinked Java 25, the raftgres distribution),
 * built or reused through {@code testcontainers-it/docker/build-node-image.sh}, which tags it
 * by a hash of its inputs so an unchanged tree costs one {@code docker image inspect}.
 *
 * <p>Thread-safe: the first caller builds, later callers get the same tag.
 */
public final class NodeImage {

    /** build-node-image.sh's exit status for "no engine or base image can be had here". */
    private static final int NO_ENGINE = 3;
    private static final long BUILD_TIMEOUT_MINUTES = 10;

    private static String tag;
    private static String unavailable;

    private NodeImage() {
    }

    /**
     * Returns the image tag, building the image when its inputs changed. Aborts the calling
     * test (skipped) when the script reports that no engine or base image can be had; fails
     * when the build itself fails, because that is a defect of the image, not of the machine.
     */
    public static synchronized String tag() {
        if (unavailable != null) {
            Assumptions.abort(unavailable);
        }
        if (tag == null) {
            tag = build();
        }
        return tag;
    }

    private static String build() {
        Path script = ItEnvironment.repoDir().resolve("testcontainers-it/docker/build-node-image.sh");
        Path log = ItEnvironment.reportDir().resolve("build-node-image.log");
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(List.of("bash", script.toString(),
                    ItEnvironment.distDir().toString()))
                    .redirectError(log.toFile())
                    .start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("node image build exceeded " + BUILD_TIMEOUT_MINUTES
                        + " min; see " + log);
            }
            String detail = Files.readString(log, StandardCharsets.UTF_8).strip();
            if (process.exitValue() == NO_ENGINE) {
                unavailable = "container suite skipped: " + detail;
                Assumptions.abort(unavailable);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("node image build failed (exit " + process.exitValue()
                        + "):\n" + detail);
            }
            List<String> lines = new String(out, StandardCharsets.UTF_8).strip().lines().toList();
            if (lines.isEmpty()) {
                throw new IllegalStateException("build-node-image.sh printed no tag; see " + log);
            }
            return lines.getLast().strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the node image", e);
        }
    }
}
