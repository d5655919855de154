package io.raftgres.it;

import java.util.ArrayList;
import java.util.List;

/**
 * The host network setting the README recommends for the members' own network ("Lossy networks: the route's
 * TCP timers"): each node's route to the suite's subnet gets {@value #METRICS} before its command runs, as an
 * operator sets it on every database host. {@code -Dit.route.tuning=false} keeps the kernel's defaults, for
 * comparison.
 *
 * <p>Why it matters: Ratis sends a follower one append at a time and waits for its reply, so a lost packet
 * stops that follower's heartbeats until TCP retransmits it; with the kernel's defaults that takes at least
 * 200 ms, often 500-800 ms (the follower's delayed acknowledgements inflate the round-trip variance), and
 * doubles with each further loss. Measured in lossy-network-async (20 % loss, 120 s, two runs each): 24 and 13
 * gated lapses and 9 and 4 PostgreSQL restarts with the defaults, none of either with this setting.
 */
final class RouteTuning {

    /** The route metrics: a 20 ms floor for the retransmission timeout, and no delayed acknowledgements. */
    static final String METRICS = "rto_min 20ms quickack 1";

    /** The image's own command (the Dockerfile's CMD, which must say the same): the agent with its configuration. */
    static final List<String> AGENT = List.of("/opt/raftgres/bin/raftgres", "-c", AgentConfig.CONFIG_PATH);

    private RouteTuning() {
    }

    static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty("it.route.tuning", "true"));
    }

    /** {@code command}, run after the route change when the tuning is enabled, else unchanged. */
    static List<String> wrap(NodeSpec spec, List<String> command) {
        if (!enabled()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", "ip route replace " + NodeSpec.SUBNET
                + " dev eth0 src " + spec.ip() + " " + METRICS + " && exec \"$@\"", "sh"));
        wrapped.addAll(command);
        return wrapped;
    }
}
