package io.raftgres.testkit;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.statemachine.Command;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A Raft group good enough to test leadership and the lease against: terms, randomized
 * election timeouts, pre-vote, one vote per term, a real log with commit by majority, the
 * agent's heartbeat lease, step-down after losing the majority, leadership transfer, and the
 * leader-only rule for commands. Messages travel over the {@link SimulatedNetwork}.
 * Replicated {@link ClusterState} comes from applying committed entries with the real
 * {@code ClusterStateMachine}.
 *
 * <p>Not modelled: snapshots, membership changes, priorities, log compaction.
 *
 * <p>Threading: single-threaded. Results of {@link #submit} and {@link #transferLeadership}
 * arrive in later events, never re-entrantly.
 */
public final class SimulatedRaft {

    final EventScheduler scheduler;
    final SimulatedNetwork network;
    final RandomGenerator random;
    final RaftTiming timing;
    final List<String> members;
    final RaftObserver observer;
    private final Map<String, RaftNode> nodes = new LinkedHashMap<>();
    private final Map<Long, Consumer<SubmitResult>> callbacks = new HashMap<>();
    private long nextRequestId = 1;

    /**
     * {@code clockRates}: per member, how fast its monotonic clock runs (1.0 exact, 1.005 half a
     * percent fast); every duration a member measures (election timeout, pre-vote window, lease,
     * heartbeat interval) is that many of its own milliseconds. Missing members run at 1.0.
     */
    public SimulatedRaft(EventScheduler scheduler, SimulatedNetwork network, RandomGenerator random, RaftTiming timing,
                         ClusterState initial, Map<String, Double> clockRates, RaftObserver observer) {
        this.scheduler = scheduler;
        this.network = network;
        this.random = random;
        this.timing = timing;
        this.members = network.nodes();
        this.observer = observer;
        for (String member : members) {
            nodes.put(member, new RaftNode(member, this, initial, clockRates.getOrDefault(member, 1.0)));
        }
    }

    /** Starts every member's election timer. */
    public void start() {
        nodes.values().forEach(RaftNode::start);
    }

    public void kill(String member) {
        node(member).kill();
    }

    public void restart(String member) {
        node(member).restart();
    }

    /** Whether the member's storage already holds the group (it has a log or a term). */
    public boolean hasStorage(String member) {
        RaftNode node = node(member);
        return node.log.length() > 0 || node.term > 0;
    }

    public boolean isAlive(String member) {
        return node(member).alive;
    }

    public RaftView view(String member) {
        return node(member).view();
    }

    /** The state after the entries {@code member} knows to be committed. */
    public ClusterState committedState(String member) {
        return node(member).committedState();
    }

    /** Persistent current term (survives restarts). */
    public long term(String member) {
        return node(member).term;
    }

    /** How fast {@code member}'s clock runs (1.0 exact). */
    public double clockRate(String member) {
        return node(member).clockRate;
    }

    /** The lease end of {@code member} as leader (simulated time), or {@code Long.MIN_VALUE}. */
    public long leaseUntilMillis(String member) {
        RaftNode node = node(member);
        return node.alive && node.leader != null ? node.leader.leaseUntilMillis() : Long.MIN_VALUE;
    }

    /**
     * Submits {@code command} through {@code member}'s server: appended locally when it leads,
     * forwarded to the leader it knows otherwise (leader-only commands are refused at once on a
     * follower, as the leader would refuse them). {@code done} may be null (fire and forget).
     * Returns a request id for {@link #abandon}.
     */
    public long submit(String member, Command command, Consumer<SubmitResult> done) {
        RaftNode node = node(member);
        long requestId = nextRequestId++;
        if (done != null) {
            callbacks.put(requestId, done);
        }
        if (!node.alive) {
            complete(member, requestId, SubmitResult.refused(member + " is down"));
        } else if (node.leader != null) {
            node.leader.append(command, member, requestId);
        } else if (command.leaderOnly()) {
            complete(member, requestId, SubmitResult.refused(member + " is not the Raft leader"));
        } else if (node.leaderId == null) {
            complete(member, requestId, SubmitResult.refused(member + " knows no Raft leader"));
        } else {
            node.send(node.leaderId, new RaftMessage.ClientRequest(node.term, member, requestId, command));
        }
        return requestId;
    }

    /** Forgets a request whose submitter gave up waiting. */
    public void abandon(long requestId) {
        callbacks.remove(requestId);
    }

    /** Hands leadership from {@code member} to {@code target}; {@code done} says whether it moved. */
    public void transferLeadership(String member, String target, Consumer<Boolean> done) {
        RaftNode node = node(member);
        if (!node.alive || node.leader == null) {
            defer(() -> done.accept(false));
        } else {
            node.leader.transfer(target, done);
        }
    }

    /** The member that leads the highest live term, if any (for scenario assertions). */
    public String currentLeader() {
        String best = null;
        long bestTerm = -1;
        for (RaftNode node : nodes.values()) {
            if (node.alive && node.role == RaftRole.LEADER && node.term > bestTerm) {
                best = node.id;
                bestTerm = node.term;
            }
        }
        return best;
    }

    /** One line per member: term, role, leader, commit, log length. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (RaftNode node : nodes.values()) {
            out.append(String.format("  %s: %s term=%d role=%s leader=%s commit=%d log=%d lease=%s%n", node.id,
                    node.alive ? "up" : "DOWN", node.term, node.role, node.leaderId, node.commitIndex,
                    node.log.length(), node.view().leaseValid()));
        }
        return out.toString();
    }

    RaftNode node(String member) {
        RaftNode node = nodes.get(member);
        if (node == null) {
            throw new IllegalArgumentException("unknown Raft member " + member + "; members are " + members);
        }
        return node;
    }

    List<String> others(String member) {
        return members.stream().filter(m -> !m.equals(member)).toList();
    }

    void complete(String requester, long requestId, SubmitResult result) {
        RaftNode node = node(requester);
        if (result.committed() && node.alive) {
            node.lastWriteMillis = scheduler.nowMillis();
        }
        Consumer<SubmitResult> done = callbacks.remove(requestId);
        if (done != null) {
            defer(() -> done.accept(result));
        }
    }

    void defer(Runnable action) {
        scheduler.schedule(0, "raft callback", action);
    }
}
