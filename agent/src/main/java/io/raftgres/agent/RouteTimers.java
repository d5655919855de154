package io.raftgres.agent;

import io.raftgres.agent.config.HostPort;
import io.raftgres.agent.config.RaftgresConfig;
import io.raftgres.vip.CommandResult;
import io.raftgres.vip.CommandRunner;
import io.raftgres.vip.ProcessCommandRunner;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A start-up hint: whether the routes to the other members carry the TCP timers the README recommends
 * ("Lossy networks: the route's TCP timers", {@value #METRICS}). Without them a 20 % packet loss lapses the
 * lease a couple of dozen times in two minutes and restarts PostgreSQL several times; with them, not at all
 * (container suite, lossy-network-async). raftgres only reads the routes ({@code ip -o route get ADDRESS}),
 * it never changes them: they belong to the host's network configuration.
 *
 * <p>One INFO line names the members whose route keeps the kernel's defaults; nothing is logged when every
 * route is tuned or every member is on loopback (the demo); one DEBUG line when it cannot tell (no {@code ip},
 * a name that does not resolve). Runs on its own daemon thread, so start-up never waits for it.
 */
final class RouteTimers {

    static final String METRICS = "rto_min 20ms quickack 1";
    private static final Logger LOG = LoggerFactory.getLogger(RouteTimers.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private RouteTimers() {
    }

    /** Whether one line of {@code ip -o route get} shows a retransmission floor and no delayed acknowledgements. */
    static boolean tuned(String routeGetOutput) {
        List<String> words = Arrays.asList(routeGetOutput.trim().split("\\s+"));
        int quickack = words.indexOf("quickack");
        return words.contains("rto_min") && quickack >= 0 && quickack + 1 < words.size()
                && words.get(quickack + 1).equals("1");
    }

    /**
     * The hint for the members whose route is not tuned, or empty when there are none.
     *
     * @param untuned the members' Raft addresses whose route keeps the kernel's timers
     */
    static Optional<String> hint(List<String> untuned) {
        if (untuned.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the route to " + String.join(", ", untuned) + " keeps the kernel's TCP timers: under"
                + " packet loss the lease may lapse and PostgreSQL be restarted; adding '" + METRICS + "' to that"
                + " route prevents it (README: Lossy networks: the route's TCP timers)");
    }

    /** Checks the routes to {@code config}'s partners on a daemon thread and logs the outcome once. */
    static void checkInBackground(RaftgresConfig config) {
        String ip = config.vip() == null ? "ip" : config.vip().control().ipBinary();
        List<HostPort> partners = config.raft().partnerAddrs();
        Thread thread = new Thread(() -> check(partners, ip, new ProcessCommandRunner()).ifPresent(LOG::info),
                "raftgres-route-check");
        thread.setDaemon(true);
        thread.start();
    }

    /** The hint for {@code partners} (see {@link #hint}); empty when all are tuned or it cannot tell. */
    static Optional<String> check(List<HostPort> partners, String ipBinary, CommandRunner runner) {
        List<String> untuned = new ArrayList<>();
        for (HostPort partner : partners) {
            InetAddress address;
            try {
                address = InetAddress.getByName(partner.host());
            } catch (UnknownHostException e) {
                LOG.debug("route check: {} does not resolve; not checked", partner);
                continue;
            }
            if (address.isLoopbackAddress()) {
                continue;
            }
            CommandResult result = runner.run(List.of(ipBinary, "-o", "route", "get", address.getHostAddress()),
                    TIMEOUT);
            if (!result.succeeded()) {
                LOG.debug("route check: '{} route get {}' failed: {}", ipBinary, address.getHostAddress(),
                        result.describe());
                return Optional.empty();
            }
            if (!tuned(result.output())) {
                untuned.add(partner.toString());
            }
        }
        return hint(untuned);
    }
}
