package io.raftgres.testkit;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.timing.LeaseGrant;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.ClusterStateMachine;
import io.raftgres.statemachine.Command.LeaseHeartbeat;
import io.raftgres.statemachine.Command;
import io.raftgres.testkit.RaftMessage.AppendEntries;
import io.raftgres.testkit.RaftMessage.AppendReply;
import io.raftgres.testkit.RaftMessage.ClientReply;
import io.raftgres.testkit.RaftMessage.StartElection;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A {@link RaftNode}'s state while it leads one term: replication, commit, the lease and
 * leadership transfer.
 *
 * <p>The lease is the agent's (ARCHITECTURE §3, the raft module's {@code RaftLease}): every
 * heartbeat interval the leader appends a {@link LeaseHeartbeat}; when that entry commits the
 * lease runs until its append time plus {@code L}. Every follower that stored it heard from
 * this leader at or after that time, so a majority refuses pre-votes until at least
 * {@code append time + ET_min}. During a leadership transfer writes (heartbeats included) are
 * refused, so the lease is no longer extended but, as in the raft module, not cut short either:
 * the agent relies on demoting before a transfer and on the decider's takeover delay.
 *
 * <p>Threading: single-threaded; created by {@link RaftNode#becomeLeader}, dropped on step-down.
 */
final class LeaderState {

    private record Pending(String requester, long requestId) { }

    final long sinceMillis;
    /** {@code RaftView.silentLeader}: the previous leader whose silence started this node's campaign, or null. */
    final String silentLeader;
    private final RaftNode node;
    private final List<String> members;
    private final int[] matchIndex;
    private final long[] lastResponseMillis;
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final long epoch;
    private int firstIndex;
    /** The raft module's lease arithmetic, on this group's true milliseconds. */
    private LeaseGrant lease;
    private boolean active = true;
    private boolean transferring;
    private String transferTarget;
    private long transferDeadlineMillis;
    private boolean startElectionSent;
    private Consumer<Boolean> transferDone;

    LeaderState(RaftNode node, String silentLeader) {
        this.node = node;
        this.silentLeader = silentLeader;
        this.members = node.group.members;
        this.sinceMillis = node.now();
        this.matchIndex = new int[members.size()];
        this.lastResponseMillis = new long[members.size()];
        Arrays.fill(lastResponseMillis, sinceMillis);
        this.epoch = node.epoch;
        this.lease = LeaseGrant.none(node.term);
    }

    void begin() {
        appendEntry(null, null, -1);
        firstIndex = node.log.length();
        appendEntry(new LeaseHeartbeat(node.id, node.term), null, -1);
        broadcast();
        scheduleTick();
    }

    boolean isReady() {
        return node.commitIndex >= firstIndex;
    }

    boolean isLeaseValid() {
        return lease.validAt(node.now(), lease.term(), true);
    }

    long leaseUntilMillis() {
        return lease.granted() ? lease.expiry() : Long.MIN_VALUE;
    }

    /** Appends a client command; refuses leader-only commands of other members and writes during a transfer. */
    void append(Command command, String requester, long requestId) {
        if (transferring) {
            reply(requester, requestId, SubmitResult.refused("leadership transfer in progress"));
        } else if (command.leaderOnly() && !command.member().equals(node.id)) {
            reply(requester, requestId, SubmitResult.refused("leader-only command from " + command.member()
                    + " refused: " + node.id + " is the leader"));
        } else {
            appendEntry(command, requester, requestId);
            broadcast();
        }
    }

    private void appendEntry(Command command, String requester, long requestId) {
        ClusterState before = node.log.stateAt(node.log.length());
        ApplyResult result = command == null ? new ApplyResult(before, true, null)
                : ClusterStateMachine.apply(before, command, node.term);
        node.log.append(new RaftLog.Entry(node.term, command, result.state(), result.accepted(), result.rejection(),
                node.now()));
        if (requester != null) {
            pending.put(node.log.length(), new Pending(requester, requestId));
        }
        if (command != null) {
            node.group.observer.commandAppended(node.id, command, before, result);
        }
        matchIndex[members.indexOf(node.id)] = node.log.length();
    }

    private void broadcast() {
        RaftLog.Snapshot snapshot = node.log.snapshot();
        for (String peer : node.group.others(node.id)) {
            node.send(peer, new AppendEntries(node.term, node.id, snapshot, node.commitIndex, node.now()));
        }
    }

    void onReply(AppendReply reply) {
        int from = members.indexOf(reply.from());
        lastResponseMillis[from] = node.now();
        if (reply.success()) {
            matchIndex[from] = Math.max(matchIndex[from], reply.matchIndex());
            advanceCommit();
            maybeStartTransferElection();
        }
    }

    private void advanceCommit() {
        int[] sorted = matchIndex.clone();
        Arrays.sort(sorted);
        int majorityIndex = sorted[sorted.length - (members.size() / 2 + 1)];
        if (majorityIndex <= node.commitIndex || node.log.termAt(majorityIndex) != node.term) {
            return;
        }
        for (int i = node.commitIndex + 1; i <= majorityIndex; i++) {
            RaftLog.Entry entry = node.log.entry(i);
            if (entry.command() instanceof LeaseHeartbeat && entry.term() == node.term) {
                lease = lease.committed(entry.term(), entry.appendedAtMillis(),
                        node.trueMillis(node.group.timing.leaseMillis()));
            }
            Pending p = pending.remove(i);
            if (p != null) {
                reply(p.requester(), p.requestId(), entry.accepted() ? SubmitResult.ok()
                        : SubmitResult.rejected(entry.rejection()));
            }
        }
        node.advanceCommit(majorityIndex);
    }

    private void reply(String requester, long requestId, SubmitResult result) {
        if (requester.equals(node.id)) {
            node.group.complete(node.id, requestId, result);
        } else {
            node.send(requester, new ClientReply(node.term, requestId, result));
        }
    }

    private void scheduleTick() {
        node.group.scheduler.schedule(node.trueMillis(node.group.timing.heartbeatMillis()), new RaftNode.Note(node.id, "heartbeat"),
                () -> {
                    if (active && node.epoch == epoch) {
                        tick();
                    }
                });
    }

    private void tick() {
        long now = node.now();
        RaftTiming timing = node.group.timing;
        long window = node.trueMillis(timing.electionTimeoutMax());
        if (now - sinceMillis > window) {
            int heard = 1;
            for (String peer : node.group.others(node.id)) {
                heard += now - lastResponseMillis[members.indexOf(peer)] <= window ? 1 : 0;
            }
            if (heard <= members.size() / 2) {
                node.stepDownLostMajority();
                return;
            }
        }
        if (transferring && now >= transferDeadlineMillis) {
            node.group.scheduler.note(new RaftNode.Note(node.id, "transfer to " + transferTarget + " timed out"));
            finishTransfer(false);
        }
        if (!transferring) {
            appendEntry(new LeaseHeartbeat(node.id, node.term), null, -1);
        }
        broadcast();
        scheduleTick();
    }

    /**
     * Starts handing leadership to {@code target}; {@code done} learns whether it became leader.
     * As in Ratis, a request for the transfer already pending joins it, one for another target
     * fails at once.
     */
    void transfer(String target, Consumer<Boolean> done) {
        if (transferring && target.equals(transferTarget)) {
            transferDone = transferDone.andThen(done);
            return;
        }
        if (transferring || target.equals(node.id) || !members.contains(target)) {
            node.group.defer(() -> done.accept(false));
            return;
        }
        transferring = true;
        transferTarget = target;
        transferDeadlineMillis = node.now() + node.trueMillis(node.group.timing.transferTimeoutMillis());
        startElectionSent = false;
        transferDone = done;
        node.group.scheduler.note(new RaftNode.Note(node.id, "transferring leadership to " + target));
        node.group.observer.raftChanged(node.id);
        maybeStartTransferElection();
    }

    private void maybeStartTransferElection() {
        if (transferring && !startElectionSent && matchIndex[members.indexOf(transferTarget)] >= node.log.length()) {
            startElectionSent = true;
            node.send(transferTarget, new StartElection(node.term, node.id));
        }
    }

    private void finishTransfer(boolean success) {
        Consumer<Boolean> done = transferDone;
        transferring = false;
        transferDone = null;
        if (done != null) {
            node.group.defer(() -> done.accept(success));
        }
    }

    /** This leadership ends; {@code newerTerm}: because a newer term was seen (a transfer's success). */
    void abandon(boolean newerTerm) {
        active = false;
        if (transferring) {
            finishTransfer(newerTerm);
        }
        pending.clear();
    }
}
