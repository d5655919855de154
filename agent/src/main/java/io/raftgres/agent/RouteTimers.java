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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A start-up hint: whether the routes to the other members carry the TCP timers the README recommends
 * ("Lossy networks: the route's TCP timers", {@value #METRICS}). Without them, 20 % packet loss lapsed the
 * lease 13 and 24 times in two minutes and restarted PostgreSQL 4 and 9 times; with them, in the same runs'
 * twins, never (container suite, lossy-network-async). raftgres only reads the routes
 * ({@code ip -o route get ADDRESS}), it never changes them: they belong to the host's network configuration.
 *
 * <p>One INFO line names the members whose route keeps the kernel's defaults (no {@code rto_min} below the
 * kernel's 200 ms, or no {@code quickack 1}), and one INFO line names those whose route it could not read
 * ({@code ip} missing or failing, a name that does not resolve). Nothing is logged when every route is tuned or
 * every member is on loopback (the demo). Runs on its own daemon thread, so it never delays the agent.
 */
final class RouteTimers {

    static final String METRICS = "rto_min 20ms quickack 1";
    private static final Logger LOG = LoggerFactory.getLogger(RouteTimers.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final long KERNEL_RTO_MIN_MICROS = 200_000;
    private static final Pattern DURATION = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|msec|msecs|s|sec|secs|us|usec|usecs)?");

    private RouteTimers() {
    }

    /**
     * Whether one line of {@code ip -o route get} shows a retransmission floor below the kernel's 200 ms
     * ({@code rto_min [lock] N(ms|s|us)}) and no delayed acknowledgements ({@code quickack 1}).
     */
    static boolean tuned(String routeGetOutput) {
        List<String> words = Arrays.asList(routeGetOutput.trim().split("\\s+"));
        int quickack = words.indexOf("quickack");
        int rto = words.indexOf("rto_min");
        if (quickack < 0 || quickack + 1 >= words.size() || !words.get(quickack + 1).equals("1") || rto < 0) {
            return false;
        }
        int value = rto + 1 < words.size() && words.get(rto + 1).equals("lock") ? rto + 2 : rto + 1;
        return value < words.size() && micros(words.get(value)) < KERNEL_RTO_MIN_MICROS;
    }

    /** {@code 20ms}, {@code 0.02s} or {@code 20000us} in microseconds; unreadable values count as the default. */
    private static long micros(String value) {
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            return KERNEL_RTO_MIN_MICROS;
        }
        double number = Double.parseDouble(m.group(1));
        return (long) switch (m.group(2)) {
            case "s" -> number * 1_000_000;
            case "us", "usec", "usecs" -> number;
            default -> number * 1_000;
        };
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
                + " route avoids most of that (README: Lossy networks: the route's TCP timers)");
    }

    /** Checks the routes to {@code config}'s partners on a daemon thread and logs the outcome once. */
    static void checkInBackground(RaftgresConfig config) {
        String ip = config.vip() == null ? "ip" : config.vip().control().ipBinary();
        List<HostPort> partners = config.raft().partnerAddrs();
        Thread thread = new Thread(() -> check(partners, ip, new ProcessCommandRunner()).forEach(LOG::info),
                "raftgres-route-check");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The lines to log for {@code partners}: the hint (see {@link #hint}), and which routes could not be read;
     * empty when every route is tuned or every partner is on loopback.
     */
    static List<String> check(List<HostPort> partners, String ipBinary, CommandRunner runner) {
        List<String> untuned = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (HostPort partner : partners) {
            InetAddress address;
            try {
                address = InetAddress.getByName(partner.host());
            } catch (UnknownHostException e) {
                unknown.add(partner + " (does not resolve)");
                continue;
            }
            if (address.isLoopbackAddress()) {
                continue;
            }
            CommandResult result = runner.run(List.of(ipBinary, "-o", "route", "get", address.getHostAddress()),
                    TIMEOUT);
            if (!result.succeeded()) {
                unknown.add(partner + " (" + ipBinary + ": " + result.describe() + ")");
            } else if (!tuned(result.output())) {
                untuned.add(partner.toString());
            }
        }
        List<String> lines = new ArrayList<>();
        hint(untuned).ifPresent(lines::add);
        if (!unknown.isEmpty()) {
            lines.add("could not read the route to " + String.join(", ", unknown) + ", so cannot tell whether it"
                    + " has the TCP timers '" + METRICS + "' (README: Lossy networks: the route's TCP timers)");
        }
        return lines;
    }
}
