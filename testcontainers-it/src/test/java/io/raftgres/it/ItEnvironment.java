package io.raftgres.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;

/**
 * Where the suite runs and whether it can: paths handed over by the Maven build, and the
 * decision to skip (never pass) when no Docker engine can be had.
 *
 * <p>Stateless; safe from any thread. Container suites use {@link DockerRequired}, which asks
 * {@link #dockerUnavailableReason()} before every test.
 */
public final class ItEnvironment {

    /** Label put on every container and network the suite creates. */
    public static final String LABEL = "io.raftgres.it";

    private ItEnvironment() {
    }

    /**
     * Why the container suite cannot run here, or empty when it can: the build said so
     * ({@code raftgres.it.skipReason}, set by {@code scripts/test-it.sh} from
     * {@code ensure-docker.sh}'s message) or Testcontainers cannot reach an engine.
     */
    public static Optional<String> dockerUnavailableReason() {
        String reason = System.getProperty("raftgres.it.skipReason", "").strip();
        if (!reason.isEmpty()) {
            return Optional.of("container suite skipped: " + reason);
        }
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return Optional.of("container suite skipped: no Docker engine answers"
                    + " (run scripts/ensure-docker.sh as root on Debian to install and start one)");
        }
        return Optional.empty();
    }

    /** The repository root (the parent of testcontainers-it/). */
    public static Path repoDir() {
        String configured = System.getProperty("raftgres.repo.dir");
        Path dir = configured != null ? Path.of(configured) : Path.of("..");
        return dir.toAbsolutePath().normalize();
    }

    /** The agent distribution the node image is built from; may not exist yet. */
    public static Path distDir() {
        String configured = System.getProperty("raftgres.dist.dir");
        Path dir = configured != null ? Path.of(configured) : repoDir().resolve("agent/target/raftgres-dist");
        return dir.toAbsolutePath().normalize();
    }

    /** True when the distribution holds a real launcher (not the image's placeholder). */
    public static boolean agentDistributionPresent() {
        return Files.isExecutable(distDir().resolve("bin/raftgres"));
    }

    /** Where the failover report goes: testcontainers-it/target. */
    public static Path reportDir() {
        String configured = System.getProperty("raftgres.it.reportDir");
        Path dir = configured != null ? Path.of(configured) : repoDir().resolve("testcontainers-it/target");
        return dir.toAbsolutePath().normalize();
    }
}
