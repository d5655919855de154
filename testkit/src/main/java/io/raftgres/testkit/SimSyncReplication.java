package io.raftgres.testkit;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.SyncMode;
import io.raftgres.core.sync.ReplicaRow;
import io.raftgres.core.sync.StandbyNames;
import io.raftgres.core.sync.SyncInput;
import io.raftgres.core.sync.SyncMembers;
import io.raftgres.core.sync.SyncPlanner;
import io.raftgres.core.sync.SyncStep;
import io.raftgres.ha.MemberLiveness;
import io.raftgres.statemachine.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The simulation's counterpart of the agent's {@code SyncReplication}: every {@link #PERIOD_MILLIS}
 * on each live agent it runs the real {@link SyncPlanner} over the fakes (the local
 * {@link FakePostgres}'s synchronous_standby_names, a pg_stat_replication built from the standbys
 * that stream from it; on a standby its list alone) and carries out the one step: set the list on
 * PostgreSQL, or submit
 * {@code SetSyncState} through this member's Raft server. Like the agent it waits for a submitted
 * publication (up to {@link #SUBMIT_TIMEOUT_MILLIS}) before its next cycle, and forgets what it
 * wrote when its agent dies.
 *
 * <p>Threading: single-threaded (the scheduler's).
 */
final class SimSyncReplication {

    /** As the agent: between two planner cycles. */
    static final long PERIOD_MILLIS = 500;
    private static final long SUBMIT_TIMEOUT_MILLIS = 3_000;

    private final String me;
    private final SimAgent agent;
    private final FakePostgres pg;
    private final Map<String, FakePostgres> postgres;
    private final SimulatedRaft raft;
    private final SimulatedNetwork network;
    private final EventScheduler scheduler;
    private final BooleanSupplier gate;
    private final MemberLiveness liveness;
    private Lsn appliedAt;
    private long appliedTerm = -1;
    private long pendingUntil = Long.MIN_VALUE;

    SimSyncReplication(String me, SimAgent agent, Map<String, FakePostgres> postgres, SimulatedRaft raft,
                       SimulatedNetwork network, EventScheduler scheduler, BooleanSupplier gate) {
        this.me = me;
        this.agent = agent;
        this.pg = postgres.get(me);
        this.postgres = postgres;
        this.raft = raft;
        this.network = network;
        this.scheduler = scheduler;
        this.gate = gate;
        this.liveness = new MemberLiveness(raft.timing.electionTimeoutMax());
    }

    void start(long delayMillis) {
        scheduler.schedule(delayMillis, new RaftNode.Note(me, "synchronous planner"), () -> {
            cycle();
            start(PERIOD_MILLIS);
        });
    }

    /** Whether the lease gate may acknowledge now ({@link SyncMembers#gateMayAcknowledge}). */
    boolean gateMayAcknowledge() {
        return SyncMembers.gateMayAcknowledge(raft.committedState(me), me, raft.view(me).term());
    }

    private void cycle() {
        if (!agent.isAlive()) {
            appliedAt = null; // a restarted agent has not written the list in this term
            appliedTerm = -1;
            pendingUntil = Long.MIN_VALUE;
            return;
        }
        if (scheduler.nowMillis() < pendingUntil) {
            return;
        }
        ClusterState state = raft.committedState(me);
        long term = raft.view(me).term();
        if (term != appliedTerm) {
            appliedAt = null;
            appliedTerm = term;
        }
        boolean primary = agent.holdsPrimaryRole() && pg.isWritable();
        boolean replica = !primary && pg.isStandby();
        boolean withGate = gate.getAsBoolean();
        SyncInput input = new SyncInput(me, term, primary, replica, state.featureLevel(), state.config().sync(),
                withGate, state.sync(), primary || replica ? Optional.of(namesOf(pg, withGate)) : Optional.empty(),
                appliedAt,
                primary ? rows() : List.of(), SyncMembers.allowed(state, me, liveness.silent(state, scheduler.nowMillis())));
        SyncStep step = SyncPlanner.plan(input);
        if (step.apply().isPresent()) {
            pg.setStandbyNames(step.apply().get());
            appliedAt = primary ? pg.writeLsn() : null; // a standby's position means nothing to its lists
        }
        if (step.publish().isPresent()) {
            pendingUntil = scheduler.nowMillis() + SUBMIT_TIMEOUT_MILLIS;
            raft.submit(me, new Command.SetSyncState(me, term, step.publish().get().state()),
                    result -> pendingUntil = Long.MIN_VALUE);
        }
    }

    /** The list PostgreSQL runs with: raftgres' own, else postgresql.conf's (the gate alone, or none). */
    static StandbyNames namesOf(FakePostgres pg, boolean gate) {
        return pg.standbyNames() != null ? pg.standbyNames() : StandbyNames.async(gate);
    }

    /** pg_stat_replication: the standbys streaming from this primary now, as PostgreSQL would count them. */
    private List<ReplicaRow> rows() {
        StandbyNames names = namesOf(pg, gate.getAsBoolean());
        List<ReplicaRow> out = new ArrayList<>();
        for (FakePostgres standby : postgres.values()) {
            Lsn flushed = CommitLedger.confirmedFlush(pg, standby, network);
            if (flushed == null) {
                continue;
            }
            boolean listed = names.replicas().contains(standby.name());
            String syncState = !listed ? "async" : names.mode() == SyncMode.QUORUM ? "quorum" : "sync";
            out.add(new ReplicaRow(standby.name(), standby.isStreaming(), syncState, flushed));
        }
        return out;
    }
}
