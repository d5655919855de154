package io.raftgres.ha;

import io.raftgres.core.decide.RetryPolicy;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.PendingChange;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.statemachine.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Publishes this member's record through Raft: when it changed, when the Raft term changed
 * (a new leader chooses among records published in its own term, so every member republishes
 * right after an election), and at least every {@link #REFRESH_MILLIS}. Publication is
 * asynchronous and never blocks the HA loop; a failed one is retried next cycle. A member that gave
 * up bootstrapping ({@link RetryPolicy}) publishes that it can no longer bootstrap.
 *
 * <p>One publication is in flight per term. A new term does not wait for one of an older term: that
 * one was gathered before the election, so the state machine rejects it if it lands in the new term
 * (it may be stale), and after a leader died it often still waits for the dead leader (connects
 * refused until the submission's deadline or the next leader). Waiting for it held the survivor's
 * record, which the new leader waits for before it takes over, a loop_wait beyond its rejection:
 * about 1.2 s of every failover in the demo bench. The older one needs no cancelling: from
 * {@link FeatureLevel#STRICT_APPLY} on it either applies in its own term, before anything of the new
 * term, or is rejected, so it never overwrites the newer record, and no submission is ever sent twice.
 * Below that level a record appended in a later term is accepted, and the older one could land after
 * the newer one, so there the new term still waits.
 */
public final class MemberPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(MemberPublisher.class);
    static final long REFRESH_MILLIS = 10_000;
    private static final long NONE = -1;

    private final AgentIdentity me;
    private final ClusterStore store;
    private final java.util.function.BooleanSupplier watchdogFailed;
    private final Clock clock;
    private final Supplier<Map<String, PendingChange>> pendingRestart;
    private volatile MemberRecord lastSent;
    private long lastSentAt = Long.MIN_VALUE / 2;
    /** The term of the publication in flight, or {@link #NONE}; only its own completion clears it. */
    private final AtomicLong inFlightTerm = new AtomicLong(NONE);

    /** @param watchdogFailed read at each publication: required watchdog unusable (peers skip this member) */
    public MemberPublisher(AgentIdentity me, ClusterStore store, java.util.function.BooleanSupplier watchdogFailed,
                           Clock clock) {
        this(me, store, watchdogFailed, clock, Map::of);
    }

    /** @param pendingRestart parameters waiting for a PostgreSQL restart here, read at each publication */
    public MemberPublisher(AgentIdentity me, ClusterStore store, java.util.function.BooleanSupplier watchdogFailed,
                           Clock clock, Supplier<Map<String, PendingChange>> pendingRestart) {
        this.me = me;
        this.store = store;
        this.watchdogFailed = watchdogFailed;
        this.clock = clock;
        this.pendingRestart = pendingRestart;
    }

    /** Called from the HA loop thread only. */
    public void maybePublish(LocalPgState local, RaftView raft, long nowMillis) {
        long term = raft.term();
        long pending = inFlightTerm.get();
        ClusterState state = store.state();
        boolean mayOvertake = state.featureLevel() >= FeatureLevel.STRICT_APPLY;
        if (pending != NONE && (pending == term || !mayOvertake)
                || raft.leaderId() == null && !raft.isLeaderWithLease()) {
            return;
        }
        MemberRecord record = record(local);
        MemberRecord stored = state.members().get(me.name());
        boolean staleTerm = stored == null || stored.term() != term;
        boolean changed = lastSent == null || !sameContent(record, lastSent);
        if (!staleTerm && !changed && nowMillis - lastSentAt < REFRESH_MILLIS) {
            return;
        }
        inFlightTerm.set(term);
        lastSent = record;
        lastSentAt = nowMillis;
        LOG.debug("publishing my state in term {} through leader {}", term, raft.leaderId());
        store.submit(new Command.PublishMember(me.name(), term, record)).whenComplete((result, error) -> {
            boolean current = inFlightTerm.compareAndSet(term, NONE);
            if (error != null || !result.accepted()) {
                if (current) {
                    lastSent = null;
                }
                LOG.debug("publishing my state in term {} failed after {} ms: {}", term,
                        clock.monotonicMillis() - nowMillis, error != null ? error.getMessage() : result.rejection());
            } else {
                LOG.debug("published my state in term {} in {} ms", term, clock.monotonicMillis() - nowMillis);
            }
        });
    }

    public MemberRecord record(LocalPgState local) {
        PgRole role = !local.hasDataDirectory() ? PgRole.UNINITIALIZED
                : local.isWritablePrimary() ? PgRole.PRIMARY
                : local.isRunningReplica() ? PgRole.REPLICA : PgRole.STOPPED;
        // A server that is not found running but left a probe error (a postmaster that does not answer,
        // an unreadable pg_control) may be running: "unknown", so nobody takes its position as final.
        String state = role == PgRole.STOPPED && local.probeError() != null ? "unknown" : local.stateText();
        return new MemberRecord(me.name(), me.apiUrl(), me.raftAddress(), me.pgHost(), me.pgPort(), role,
                state, local.timeline(), local.writeLsn(), local.replayLsn(), local.streaming(), me.tags(),
                me.canBootstrap() && !RetryPolicy.bootstrapGivenUp(local.failures()), watchdogFailed.getAsBoolean(),
                me.version(), 0, clock.wallMillis(), FeatureLevel.LATEST)
                .withPendingRestart(pendingRestart.get())
                .withUpstream(role == PgRole.PRIMARY ? null : local.upstream());
    }

    /** Everything but the publication time and term. */
    private static boolean sameContent(MemberRecord a, MemberRecord b) {
        return a.role() == b.role() && Objects.equals(a.state(), b.state()) && a.timeline() == b.timeline()
                && a.receiveLsn().equals(b.receiveLsn()) && a.replayLsn().equals(b.replayLsn())
                && a.streaming() == b.streaming() && a.tags().equals(b.tags()) && a.pgPort() == b.pgPort()
                && a.watchdogFailed() == b.watchdogFailed()
                && a.canBootstrap() == b.canBootstrap()
                && Objects.equals(a.pgHost(), b.pgHost()) && Objects.equals(a.apiUrl(), b.apiUrl())
                && a.pendingRestart().equals(b.pendingRestart()) && Objects.equals(a.upstream(), b.upstream());
    }
}
