package io.raftgres.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Watches the VIP from outside every 100 ms: which hosts have it as a local address (their
 * kernels answer ARP for it), read from the host through {@code /proc/<pid>/net/fib_trie} of
 * each container's first process. That works for paused containers too, which {@code docker
 * exec} cannot reach, and a paused host's kernel is exactly the one that may still answer.
 * Also records which member the client host's ARP cache points the VIP at ({@code /proc/net/arp}).
 *
 * <p>Runs on one thread of its own between {@link #start} and {@link #stop}, bounded by the
 * duration given to {@link #start}.
 */
public final class VipObserver implements AutoCloseable {

    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Path HOST_ARP = Path.of("/proc/net/arp");

    /**
     * One look: the members whose kernel holds the VIP, and the member the client's ARP entry
     * names (null when it has none, or an address no member has).
     */
    public record Sample(long atMillis, Set<String> holders, String clientReaches) {
    }

    private final List<Node> nodes;
    private final String vip;
    private final Sampler<Sample> sampler;
    private final Map<String, Long> pids = new TreeMap<>();
    private final Map<String, String> macs = new TreeMap<>();
    private long lookedUpAt;

    public VipObserver(List<Node> nodes, String vip, ScenarioClock clock) {
        this.nodes = List.copyOf(nodes);
        this.vip = vip;
        this.sampler = new Sampler<>("raftgres-it-vip-observer", INTERVAL, clock, this::look);
    }

    public void start(Duration maxDuration) {
        sampler.start(maxDuration);
    }

    public void stop() throws InterruptedException {
        sampler.stop();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    public List<Sample> samples() {
        return sampler.samples();
    }

    /** What the samples show; see {@link VipTimeline}. */
    public VipTimeline timeline() {
        return new VipTimeline(samples());
    }

    /** Runs on the sampler's thread only. */
    private Sample look(long atMillis) {
        // Containers get a new first process when started again; look them up twice a second.
        if (pids.isEmpty() || atMillis - lookedUpAt >= 500) {
            for (Node n : nodes) {
                pids.put(n.name(), n.firstPid());
                macs.put(n.name(), n.macAddress());
            }
            lookedUpAt = atMillis;
        }
        Set<String> holders = new TreeSet<>();
        for (Node n : nodes) {
            long pid = pids.get(n.name());
            if (pid > 0 && holdsLocally(Path.of("/proc", Long.toString(pid), "net", "fib_trie"), vip)) {
                holders.add(n.name());
            }
        }
        String mac = arpEntry(HOST_ARP, vip);
        String reaches = macs.entrySet().stream().filter(e -> e.getValue() != null && e.getValue().equals(mac))
                .map(Map.Entry::getKey).findFirst().orElse(null);
        return new Sample(atMillis, holders, reaches);
    }

    /**
     * Whether a fib_trie dump lists {@code ip} as a local address: its {@code |-- ip} line is
     * followed by a {@code /32 host LOCAL} line. A missing file (process gone) means no.
     */
    static boolean holdsLocally(Path fibTrie, String ip) {
        List<String> lines;
        try {
            lines = Files.readAllLines(fibTrie);
        } catch (IOException e) {
            return false;
        }
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).strip().equals("|-- " + ip) && lines.get(i + 1).strip().equals("/32 host LOCAL")) {
                return true;
            }
        }
        return false;
    }

    /** The MAC address of a complete entry for {@code ip} in a /proc/net/arp dump, or null. */
    static String arpEntry(Path procNetArp, String ip) {
        try {
            for (String line : Files.readAllLines(procNetArp)) {
                String[] f = line.trim().split("\\s+");
                // IP address, HW type, Flags (0x2 = complete), HW address, Mask, Device
                if (f.length >= 6 && f[0].equals(ip) && (Integer.decode(f[2]) & 0x2) != 0) {
                    return f[3].toLowerCase(java.util.Locale.ROOT);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return null;
        }
        return null;
    }
}
