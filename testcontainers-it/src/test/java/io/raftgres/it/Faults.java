package io.raftgres.it;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fault injection on the suite's nodes, recorded on the scenario's time axis.
 *
 * <p>Network faults live in one iptables chain {@value #CHAIN} that INPUT and OUTPUT jump to, on the
 * faulty node and, for {@link #lossy}, on its peers, so {@link #heal} removes exactly what was injected
 * (the suite injects one network fault at a time). {@code tc netem} is not available on our
 * machines (MACHINE.md); packet loss uses iptables' statistic match instead. A partition drops
 * only the peers' addresses, so clients on the host still reach the cut-off node: the case that
 * can lose acknowledged writes, which a network disconnect would hide.
 *
 * <p>Thread-safe: the event list and the lossy nodes' peers are guarded by this object; faults themselves go
 * through Docker.
 */
public final class Faults {

    /** The iptables chain holding injected faults. */
    public static final String CHAIN = "RAFTGRES_IT";

    /**
     * Packets this host receives over the network: the chain is reached from INPUT and OUTPUT, and an input
     * interface exists only in INPUT; loopback (lo) is spared.
     */
    private static final String RECEIVED = " -i eth0";

    /** One injected fault or repair. */
    public record Event(long atMillis, String description) {
    }

    private final ScenarioClock clock;
    private final List<Event> events = new ArrayList<>();
    /** The peers that hold a lossy node's drops of what it sends them, by node name: healed with it. */
    private final Map<String, Collection<Node>> lossyPeers = new HashMap<>();

    public Faults(ScenarioClock clock) {
        this.clock = clock;
    }

    public void kill(Node node) {
        record("kill " + node.name());
        node.kill();
    }

    /** SIGKILL to the agent of a node run under {@link AgentSupervisor}; its PostgreSQL keeps running. */
    public void killAgent(Node node) {
        record("kill agent of " + node.name());
        AgentSupervisor.killAgent(node);
    }

    public void start(Node node) {
        record("start " + node.name());
        node.start();
    }

    public void pause(Node node) {
        record("pause " + node.name());
        node.pause();
    }

    public void unpause(Node node) {
        record("unpause " + node.name());
        node.unpause();
    }

    /** Drops every packet between {@code node} and each of {@code peers}, both directions. */
    public void partition(Node node, Collection<Node> peers) {
        StringBuilder script = new StringBuilder(ensureChain());
        for (Node peer : peers) {
            script.append(" && iptables -A ").append(CHAIN).append(" -s ").append(peer.ip()).append(" -j DROP")
                    .append(" && iptables -A ").append(CHAIN).append(" -d ").append(peer.ip()).append(" -j DROP");
        }
        record("partition " + node.name() + " from " + peers.stream().map(Node::name).toList());
        node.sh(script.toString());
    }

    /**
     * Drops each packet in and out of {@code node} with the given probability (0..1), as a lossy link would:
     * where the packet arrives. What {@code node} receives is dropped in its INPUT; what it sends to a
     * {@code peer} is dropped in that peer's INPUT; what it sends to the docker host (the suite's clients)
     * can only be dropped in its own OUTPUT. Loopback traffic (the agent probing its own PostgreSQL) is
     * spared: a lossy network does not make a host's loopback lossy.
     *
     * <p>Why not simply OUTPUT on {@code node}, as this did until 5 Dec 2026: a packet dropped in the sender's
     * own OUTPUT is reported to its TCP as a local error, not lost on the way. TCP then keeps the segment
     * unsent and retries on its probe timer, which starts at 200 ms whatever the route's {@code rto_min} and
     * doubles; {@code ss -ti} on the primary showed both peer connections idle with {@code backoff:2} and no
     * retransmission for 800 ms. A link drops without telling the sender, which recovers by retransmission.
     */
    public void lossy(Node node, Collection<Node> peers, double probability) {
        drop(node, peers, probability, "lossy " + node.name(), List.of(""));
    }

    /**
     * As {@link #lossy}, but only for PostgreSQL's traffic (TCP port {@link NodeSpec#PG_PORT}, either
     * direction): the clients' losses without the agents' (Raft, REST), the floor a lossy network imposes on
     * the writer whatever the HA tool does.
     */
    public void lossyPostgres(Node node, Collection<Node> peers, double probability) {
        drop(node, peers, probability, "lossy PostgreSQL traffic of " + node.name(),
                List.of(" -p tcp --dport " + NodeSpec.PG_PORT, " -p tcp --sport " + NodeSpec.PG_PORT));
    }

    /** {@link #lossy}'s drops, once per match in {@code filters} (an empty one matches every packet). */
    private void drop(Node node, Collection<Node> peers, double probability, String what, List<String> filters) {
        if (!(probability > 0 && probability < 1)) {
            throw new IllegalArgumentException("loss probability must be in (0, 1), got " + probability);
        }
        String stat = String.format(Locale.ROOT, " -m statistic --mode random --probability %.4f -j DROP", probability);
        record(what + " p=" + String.format(Locale.ROOT, "%.4f", probability));
        remember(node, peers);
        StringBuilder own = new StringBuilder(ensureChain());
        StringBuilder theirs = new StringBuilder(ensureChain());
        for (String filter : filters) {
            own.append(" && iptables -A ").append(CHAIN).append(RECEIVED).append(filter).append(stat)
                    .append(" && iptables -A ").append(CHAIN).append(" -d ").append(NodeSpec.GATEWAY).append(filter)
                    .append(stat);
            theirs.append(" && iptables -A ").append(CHAIN).append(" -s ").append(node.ip()).append(filter).append(stat);
        }
        node.sh(own.toString());
        for (Node peer : peers) {
            peer.sh(theirs.toString());
        }
    }

    /**
     * Removes every injected network fault from {@code node}, and from the peers a {@link #lossy} fault of
     * {@code node} put drops on (their whole chain: the suite injects one network fault at a time). The peers
     * are cleaned even when {@code node} cannot be reached; a failure is thrown after all were tried.
     */
    public void heal(Node node) {
        record("heal " + node.name());
        Collection<Node> peers;
        synchronized (this) {
            peers = lossyPeers.remove(node.name());
        }
        try {
            node.sh(ensureChain() + " && iptables -F " + CHAIN);
        } finally {
            RuntimeException failure = null;
            for (Node peer : peers == null ? List.<Node>of() : peers) {
                try {
                    peer.sh(ensureChain() + " && iptables -F " + CHAIN);
                } catch (RuntimeException e) {
                    failure = failure == null ? e : failure;
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private synchronized void remember(Node node, Collection<Node> peers) {
        lossyPeers.put(node.name(), List.copyOf(peers));
    }

    /** Injected faults so far, in order. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** Records an event injected by other means (e.g. a parallel stop of every node). */
    public synchronized void record(String description) {
        events.add(new Event(clock.millis(), description));
    }

    /** Creates the chain and the jumps to it once; idempotent. */
    private static String ensureChain() {
        return "(iptables -N " + CHAIN + " 2>/dev/null || true)"
                + " && (iptables -C INPUT -j " + CHAIN + " 2>/dev/null || iptables -I INPUT 1 -j " + CHAIN + ")"
                + " && (iptables -C OUTPUT -j " + CHAIN + " 2>/dev/null || iptables -I OUTPUT 1 -j " + CHAIN + ")";
    }
}
