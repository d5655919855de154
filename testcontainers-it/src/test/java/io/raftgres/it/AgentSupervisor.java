package io.raftgres.it;

import java.util.List;

/**
 * A container command that runs the agent under a restarting supervisor, as systemd's
 * {@code Restart=on-failure} would, but without systemd's {@code KillMode}: when the agent dies,
 * the PostgreSQL it started keeps running (reparented to the container's init). That is the
 * orphan the agent-crash scenario needs, and what the agent's start-up fence must stop.
 *
 * <p>The supervisor writes the agent's PID to {@value #PID_FILE}, restarts it {@value #RESTART_DELAY_SECONDS} s
 * after it exits (at most {@value #MAX_STARTS} starts, so a crash loop ends), and passes SIGTERM on
 * to it.
 */
public final class AgentSupervisor {

    /** The running agent's PID inside the container. */
    public static final String PID_FILE = "/run/raftgres-agent.pid";
    /** systemd's RestartSec in the shipped unit (agent/src/dist/systemd/raftgres.service). */
    public static final int RESTART_DELAY_SECONDS = 1;
    private static final int MAX_STARTS = 5;

    private AgentSupervisor() {
    }

    /** The container command: a shell loop around the image's agent command. */
    public static List<String> command() {
        String script = "n=0; while [ $n -lt " + MAX_STARTS + " ]; do"
                + " /opt/raftgres/bin/raftgres -c " + AgentConfig.CONFIG_PATH + " & pid=$!;"
                + " echo $pid > " + PID_FILE + ";"
                + " trap 'kill -TERM $pid; wait $pid; exit 0' TERM INT;"
                + " wait $pid; rc=$?;"
                + " echo \"supervisor: agent $pid exited with $rc; restarting in " + RESTART_DELAY_SECONDS + " s\";"
                + " n=$((n + 1)); sleep " + RESTART_DELAY_SECONDS + ";"
                + " done";
        return List.of("sh", "-c", script);
    }

    /** SIGKILL to the agent alone; its PostgreSQL keeps running. */
    public static void killAgent(Node node) {
        node.sh("kill -KILL \"$(cat " + PID_FILE + ")\"");
    }
}
