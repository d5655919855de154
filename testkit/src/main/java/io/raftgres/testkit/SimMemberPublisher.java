package io.raftgres.testkit;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.statemachine.Command;

import java.util.Objects;

/**
 * Publishes a {@link SimAgent}'s member record the way the agent's {@code MemberPublisher}
 * does: when it changed, when the Raft term changed (a new leader chooses among records of its
 * own term), and at least every {@link #REFRESH_MILLIS}; one publication in flight at a time,
 * a failed one retried next cycle.
 *
 * <p>Threading: single-threaded.
 */
final class SimMemberPublisher {

    static final long REFRESH_MILLIS = 10_000;
    private static final long SUBMIT_TIMEOUT_MILLIS = 3_000;

    private final SimAgent agent;
    private MemberRecord lastSent;
    private long lastSentAt = Long.MIN_VALUE / 2;
    private boolean inFlight;
    private long generation;

    SimMemberPublisher(SimAgent agent) {
        this.agent = agent;
    }

    void reset() {
        lastSent = null;
        lastSentAt = Long.MIN_VALUE / 2;
        inFlight = false;
        generation++;
    }

    void maybePublish(LocalPgState local, RaftView raft, ClusterState state) {
        if (inFlight || raft.leaderId() == null && !raft.isLeaderWithLease()) {
            return;
        }
        long now = agent.scheduler.nowMillis();
        MemberRecord record = record(local);
        MemberRecord stored = state.members().get(agent.name);
        boolean staleTerm = stored == null || stored.term() != raft.term();
        boolean changed = lastSent == null || !sameContent(record, lastSent);
        if (!staleTerm && !changed && now - lastSentAt < REFRESH_MILLIS) {
            return;
        }
        inFlight = true;
        lastSent = record;
        lastSentAt = now;
        long myGeneration = generation;
        boolean[] done = {false};
        long requestId = agent.raft.submit(agent.name, new Command.PublishMember(agent.name, raft.term(), record),
                result -> finish(myGeneration, done, result.isSuccess()));
        agent.scheduler.schedule(SUBMIT_TIMEOUT_MILLIS, new RaftNode.Note(agent.name, "publish timeout"), () -> {
            if (!done[0]) {
                agent.raft.abandon(requestId);
                finish(myGeneration, done, false);
            }
        });
    }

    private void finish(long myGeneration, boolean[] done, boolean success) {
        if (done[0] || myGeneration != generation) {
            return;
        }
        done[0] = true;
        inFlight = false;
        if (!success) {
            lastSent = null;
        }
    }

    private MemberRecord record(LocalPgState local) {
        PgRole role = !local.hasDataDirectory() ? PgRole.UNINITIALIZED : local.isWritablePrimary() ? PgRole.PRIMARY
                : local.isRunningReplica() ? PgRole.REPLICA : PgRole.STOPPED;
        return new MemberRecord(agent.name, "http://" + agent.name + ":8008", agent.name + ":5010", agent.name, 5432,
                role, local.stateText(), local.timeline(), local.writeLsn(), local.replayLsn(), local.streaming(),
                agent.config.tags(), agent.config.canBootstrap(), agent.config.watchdogFailed(), "sim", 0,
                agent.scheduler.nowMillis(), io.raftgres.core.model.FeatureLevel.LATEST);
    }

    private static boolean sameContent(MemberRecord a, MemberRecord b) {
        return a.role() == b.role() && Objects.equals(a.state(), b.state()) && a.timeline() == b.timeline()
                && a.receiveLsn().equals(b.receiveLsn()) && a.replayLsn().equals(b.replayLsn())
                && a.streaming() == b.streaming();
    }
}
