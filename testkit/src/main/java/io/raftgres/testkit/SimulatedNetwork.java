package io.raftgres.testkit;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The network between the simulated hosts: one directed link per ordered pair of nodes, each up
 * or down, with a random delay per message (mostly {@code 1..20} ms, now and then up to
 * {@code 300} ms, plus an injectable extra delay per link) and a global drop probability.
 * Links are FIFO like the TCP connections Ratis and streaming replication use: a message never
 * overtakes an earlier one on the same link. A message is dropped if its link is down when it
 * is sent or when it would arrive (iptables DROP on the receiver).
 *
 * <p>Threading: single-threaded; deliveries are {@link EventScheduler} events.
 */
public final class SimulatedNetwork {

    /** Delay distribution of one message (ms). */
    public record DelayModel(long minMillis, long maxMillis, double slowProbability, long slowMaxMillis) {
        public static final DelayModel DEFAULT = new DelayModel(1, 20, 0.02, 300);
    }

    private final EventScheduler scheduler;
    private final RandomGenerator random;
    private final List<String> nodes;
    private final boolean[][] up;
    private final long[][] extraDelayMin;
    private final long[][] extraDelayMax;
    private final long[][] lastArrival;
    private final DelayModel delays;
    private double dropProbability;
    private long sent;
    private long dropped;

    public SimulatedNetwork(EventScheduler scheduler, RandomGenerator random, List<String> nodes, DelayModel delays) {
        this.scheduler = scheduler;
        this.random = random;
        this.nodes = List.copyOf(nodes);
        this.delays = delays;
        int n = nodes.size();
        up = new boolean[n][n];
        extraDelayMin = new long[n][n];
        extraDelayMax = new long[n][n];
        lastArrival = new long[n][n];
        heal();
    }

    public List<String> nodes() {
        return nodes;
    }

    /** All links up, no extra delay, no loss. */
    public void heal() {
        for (int i = 0; i < up.length; i++) {
            for (int j = 0; j < up.length; j++) {
                up[i][j] = true;
                extraDelayMin[i][j] = 0;
                extraDelayMax[i][j] = 0;
            }
        }
        dropProbability = 0;
    }

    public void setLink(String from, String to, boolean isUp) {
        up[index(from)][index(to)] = isUp;
    }

    public boolean isLinkUp(String from, String to) {
        return from.equals(to) || up[index(from)][index(to)];
    }

    /** Both directions up: what a TCP connection needs. */
    public boolean isConnected(String a, String b) {
        return isLinkUp(a, b) && isLinkUp(b, a);
    }

    /** Cuts every link to and from {@code node}. */
    public void isolate(String node) {
        for (String other : nodes) {
            if (!other.equals(node)) {
                setLink(node, other, false);
                setLink(other, node, false);
            }
        }
    }

    /** Restores every link to and from {@code node} (other cuts stay). */
    public void reconnect(String node) {
        for (String other : nodes) {
            setLink(node, other, true);
            setLink(other, node, true);
        }
    }

    /** Cuts all links between {@code side} and the other nodes. */
    public void split(Set<String> side) {
        for (String a : nodes) {
            for (String b : nodes) {
                if (side.contains(a) != side.contains(b)) {
                    setLink(a, b, false);
                }
            }
        }
    }

    /** Adds a uniform extra delay in {@code [min, max]} ms to messages on one directed link. */
    public void setExtraDelay(String from, String to, long minMillis, long maxMillis) {
        if (minMillis < 0 || maxMillis < minMillis) {
            throw new IllegalArgumentException("bad extra delay range [" + minMillis + ", " + maxMillis + "]");
        }
        extraDelayMin[index(from)][index(to)] = minMillis;
        extraDelayMax[index(from)][index(to)] = maxMillis;
    }

    public void setDropProbability(double probability) {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("drop probability must be in [0, 1], got " + probability);
        }
        this.dropProbability = probability;
    }

    public double dropProbability() {
        return dropProbability;
    }

    /**
     * Sends {@code message} from {@code from} to {@code to}; {@code deliver} runs at arrival unless
     * the message is lost. Whether the receiver is alive is the receiver's business.
     */
    public <M> void send(String from, String to, M message, Consumer<M> deliver) {
        sent++;
        int f = index(from);
        int t = index(to);
        if (!up[f][t] || random.nextDouble() < dropProbability) {
            dropped++;
            return;
        }
        long delay = random.nextDouble() < delays.slowProbability()
                ? random.nextLong(delays.minMillis(), delays.slowMaxMillis() + 1)
                : random.nextLong(delays.minMillis(), delays.maxMillis() + 1);
        if (extraDelayMax[f][t] > 0) {
            delay += random.nextLong(extraDelayMin[f][t], extraDelayMax[f][t] + 1);
        }
        long arrival = Math.max(scheduler.nowMillis() + delay, lastArrival[f][t]);
        lastArrival[f][t] = arrival;
        scheduler.schedule(arrival - scheduler.nowMillis(), new Delivery(from, to, message), () -> {
            if (up[f][t]) {
                deliver.accept(message);
            } else {
                dropped++;
            }
        });
    }

    /** Messages sent and lost so far (for reports). */
    public String stats() {
        return sent + " messages sent, " + dropped + " lost";
    }

    private int index(String node) {
        int i = nodes.indexOf(node);
        if (i < 0) {
            throw new IllegalArgumentException("unknown node " + node + "; nodes are " + nodes);
        }
        return i;
    }

    private record Delivery(String from, String to, Object message) {
        @Override
        public String toString() {
            return "deliver " + from + "->" + to + " " + message;
        }
    }
}
