package io.raftgres.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.OptionalDouble;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;

/**
 * One container host of the suite (agent + PostgreSQL), addressed by its static IP.
 * Lifecycle faults act on the same container, so its file system (PGDATA, Raft log) survives
 * kill/start like a host's disk survives a crash.
 *
 * <p>Thread-safe as far as the Docker client is: faults and execs may come from the test
 * thread while the writer runs on its own.
 */
public final class Node {

    private final NodeSpec spec;
    private final GenericContainer<?> container;

    Node(NodeSpec spec, GenericContainer<?> container) {
        this.spec = spec;
        this.container = container;
    }

    public NodeSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public String ip() {
        return spec.ip();
    }

    public HostPort postgres() {
        return spec.postgres();
    }

    public HostPort rest() {
        return spec.rest();
    }

    /** Runs a command in the container as root; the result carries exit code and output. */
    public ExecResult exec(String... command) {
        try {
            return container.execInContainer(command);
        } catch (IOException e) {
            throw new IllegalStateException("exec in " + spec.containerName() + " failed: " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during exec in " + spec.containerName(), e);
        }
    }

    /** Runs a shell script in the container and returns its stdout; fails on a non-zero exit. */
    public String sh(String script) {
        ExecResult result = exec("sh", "-c", script);
        if (result.getExitCode() != 0) {
            throw new IllegalStateException(spec.containerName() + ": `" + script + "` exited " + result.getExitCode()
                    + ": " + result.getStderr().strip() + " " + result.getStdout().strip());
        }
        return result.getStdout();
    }

    /** {@code docker kill}: SIGKILL to every process, like a power cut of the host. */
    public void kill() {
        docker().killContainerCmd(spec.containerName()).exec();
    }

    /** {@code docker start} of the same container after {@link #kill()} or {@link #stop}. */
    public void start() {
        docker().startContainerCmd(spec.containerName()).exec();
    }

    /** {@code docker stop} with a grace period in seconds, like an orderly host shutdown. */
    public void stop(int graceSeconds) {
        docker().stopContainerCmd(spec.containerName()).withTimeout(graceSeconds).exec();
    }

    /**
     * {@code docker pause}: freezes every process; the monotonic clock keeps running. The cgroup
     * freezer can give up on a busy host ("OCI runtime pause failed: unable to freeze", seen once
     * under a load of 30 on 2 cores); the pause is then tried again, at most 5 times 200 ms apart,
     * so the scenario still gets its fault. The fault's time stamp precedes the first try.
     */
    public void pause() {
        for (int attempt = 1; ; attempt++) {
            try {
                docker().pauseContainerCmd(spec.containerName()).exec();
                return;
            } catch (com.github.dockerjava.api.exception.InternalServerErrorException e) {
                if (attempt == 5 || e.getMessage() == null || !e.getMessage().contains("unable to freeze")) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    public void unpause() {
        docker().unpauseContainerCmd(spec.containerName()).exec();
    }

    /** Whether the container is running and not paused. */
    public boolean running() {
        InspectContainerResponse.ContainerState state = docker().inspectContainerCmd(spec.containerName()).exec().getState();
        return Boolean.TRUE.equals(state.getRunning()) && !Boolean.TRUE.equals(state.getPaused());
    }

    /** Whether the container has exited (the agent died, or the test killed it). */
    public boolean exited() {
        return exited(docker().inspectContainerCmd(spec.containerName()).exec().getState());
    }

    private static boolean exited(InspectContainerResponse.ContainerState state) {
        return "exited".equals(state.getStatus()) || "dead".equals(state.getStatus());
    }

    /**
     * Fails at once, with the end of the container's log, when the container has exited
     * (the agent died): waiting for health would only run into the timeout.
     */
    public void assertNotExited() {
        InspectContainerResponse.ContainerState state = docker().inspectContainerCmd(spec.containerName()).exec().getState();
        if (exited(state)) {
            List<String> lines = logs().lines().toList();
            String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            throw new AssertionError(spec.containerName() + " exited with code " + state.getExitCodeLong() + ":\n" + tail);
        }
    }

    /** The container's stdout and stderr so far (the agent's log when it logs to the console). */
    public String logs() {
        return container.getLogs();
    }

    /**
     * Copies the file at {@code containerPath} to {@code target} on the host ({@code docker cp}, which
     * also works while the container is stopped).
     */
    public void copyFile(String containerPath, Path target) {
        container.copyFileFromContainer(containerPath,
                in -> Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING));
    }

    /**
     * Resident set size of the agent JVM in MB, or empty when no agent process is found
     * (placeholder distribution, or the node is down).
     */
    public OptionalDouble agentRssMb() {
        // The bracketed pattern does not match this shell's own command line.
        ExecResult result = exec("sh", "-c",
                "pid=$(pgrep -f 'io[.]raftgres[.]agent[.]Main' | head -n 1); [ -n \"$pid\" ] && ps -o rss= -p \"$pid\"");
        String kb = result.getStdout().strip();
        if (result.getExitCode() != 0 || kb.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Long.parseLong(kb) / 1024.0);
    }

    /** The PID (in the host's namespace) of the container's first process, or 0 when it is not running. */
    public long firstPid() {
        Long pid = docker().inspectContainerCmd(spec.containerName()).exec().getState().getPidLong();
        return pid == null ? 0 : pid;
    }

    /** The container's MAC address on the suite's network (lower case), or null when it has none. */
    public String macAddress() {
        var networks = docker().inspectContainerCmd(spec.containerName()).exec().getNetworkSettings().getNetworks();
        var network = networks == null ? null : networks.get(NodeSpec.NETWORK_NAME);
        String mac = network == null ? null : network.getMacAddress();
        return mac == null || mac.isEmpty() ? null : mac.toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return spec.name() + "(" + spec.ip() + ")";
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }
}
