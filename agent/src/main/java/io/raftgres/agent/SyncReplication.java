package io.raftgres.agent;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.SyncMode;
import io.raftgres.core.model.SyncState;
import io.raftgres.core.sync.StandbyNames;
import io.raftgres.core.sync.SyncInput;
import io.raftgres.core.sync.SyncMembers;
import io.raftgres.core.sync.SyncPlanner;
import io.raftgres.core.sync.SyncReason;
import io.raftgres.core.sync.SyncStep;
import io.raftgres.ha.ClusterStore;
import io.raftgres.ha.MemberLiveness;
import io.raftgres.pgcontrol.SynchronousStandbys;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs the {@link SyncPlanner} on this member every {@link #PERIOD_MILLIS} on its own thread: reads
 * the local primary's synchronous_standby_names and pg_stat_replication, and carries out the one step
 * the planner chose (write PostgreSQL's list, or publish the state through Raft and wait for its
 * commit). Also answers the lease gate's extra question ({@link #gateMayAcknowledge}). The step's
 * sentence is logged once when it changes and repeated every {@link #REPEAT_MILLIS} while commits are
 * asynchronous or blocked.
 */
final class SyncReplication {
    private static final Logger LOG = LoggerFactory.getLogger("raftgres.sync");
    /** Between two planner cycles: at most one change per cycle, so half a loop_wait. */
    static final long PERIOD_MILLIS = 500;
    static final long REPEAT_MILLIS = 30_000;
    private static final long SUBMIT_TIMEOUT_MILLIS = 3_000;

    private final String me;
    private final ClusterStore store;
    private final Supplier<SynchronousStandbys> postgres;
    private final BooleanSupplier primaryRole;
    private final boolean gate;
    private final MemberLiveness liveness;
    // Confined to the sync thread.
    private Lsn appliedAt;
    private long appliedTerm = -1;
    private String lastSentence = "";
    private long lastLoggedMillis;
    private volatile SyncStep last;

    SyncReplication(String me, ClusterStore store, Supplier<SynchronousStandbys> postgres, BooleanSupplier primaryRole,
                    boolean gate, MemberLiveness liveness) {
        this.me = me;
        this.store = store;
        this.postgres = postgres;
        this.primaryRole = primaryRole;
        this.gate = gate;
        this.liveness = liveness;
    }

    /** The last step, for /patroni; null before the first cycle. */
    SyncStep lastStep() {
        return last;
    }

    /**
     * The lease gate's second condition: in a synchronous mode it acknowledges only once this
     * primary published its own state for the current term and mode. Until then nobody outside the
     * old published state is known to hold its commits, so none may be acknowledged. Never blocks.
     */
    boolean gateMayAcknowledge() {
        return SyncMembers.gateMayAcknowledge(store.state(), me, store.view().term());
    }

    /** One planner cycle; never throws. */
    void cycle() {
        try {
            runCycle();
        } catch (RuntimeException e) {
            LOG.warn("synchronous replication cycle failed, will retry: {}", e.toString());
        }
    }

    private void runCycle() {
        ClusterState state = store.state();
        long term = store.view().term();
        if (term != appliedTerm) {
            appliedAt = null;
            appliedTerm = term;
        }
        boolean primary = primaryRole.getAsBoolean();
        boolean replica = false;
        SynchronousStandbys.Snapshot seen = null;
        // Without the gate a standby holds its list in a synchronous mode (SyncPlanner), so it is read too.
        if (primary || !gate && state.config().sync().enabled()) {
            try {
                seen = postgres.get().read();
                replica = seen.inRecovery();
                primary = primary && !seen.inRecovery();
            } catch (java.sql.SQLException e) {
                primary = false; // not running: nothing to manage this cycle
            }
            if (!primary && !replica) {
                seen = null; // writable but not ours to manage (a primary being fenced)
            }
        }
        SyncInput input = new SyncInput(me, term, primary, replica, state.featureLevel(), state.config().sync(),
                gate, state.sync(), seen == null ? Optional.empty() : inPostgres(seen), appliedAt,
                seen == null || !primary ? java.util.List.of() : seen.rows(), allowed(state));
        SyncStep step = SyncPlanner.plan(input);
        last = step;
        report(step);
        if (step.apply().isPresent()) {
            StandbyNames names = step.apply().get();
            try {
                Lsn at = postgres.get().write(names.render(), names.mode() == SyncMode.OFF);
                appliedAt = primary ? at : null; // a standby's position means nothing to its lists
                LOG.info("synchronous_standby_names is now '{}' ({} WAL at the change: {})",
                        names.mode() == SyncMode.OFF ? "as rendered: " + names.render() : names.render(),
                        primary ? "flushed" : "replayed", at);
            } catch (java.sql.SQLException e) {
                appliedAt = null;
                LOG.warn("could not set synchronous_standby_names to '{}': {}", names.render(), e.getMessage());
            }
        }
        if (step.publish().isPresent()) {
            SyncState next = step.publish().get().state();
            try {
                ApplyResult result = store.submit(new Command.SetSyncState(me, term, next))
                        .get(SUBMIT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                if (!result.accepted()) {
                    LOG.warn("publishing the synchronous state was refused: {}", result.rejection());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("publishing the synchronous state failed: {}", e.toString());
            }
        }
    }

    /** A value in postgresql.auto.conf is raftgres' own; anything else is the rendered asynchronous one. */
    private Optional<StandbyNames> inPostgres(SynchronousStandbys.Snapshot seen) {
        return seen.fromAutoConf() ? StandbyNames.parse(seen.value()) : Optional.of(StandbyNames.async(gate));
    }

    /** {@link SyncMembers#allowed}, with the members silent for longer than the member TTL. */
    private Set<String> allowed(ClusterState state) {
        return SyncMembers.allowed(state, me, liveness.silent(state, System.nanoTime() / 1_000_000));
    }

    private void report(SyncStep step) {
        long now = System.nanoTime() / 1_000_000;
        boolean degraded = step.async() || step.reason() == SyncReason.STRICT_BLOCKED;
        if (step.reason() == SyncReason.NOT_PRIMARY) {
            lastSentence = "";
            return;
        }
        if (!step.sentence().equals(lastSentence) || degraded && now - lastLoggedMillis >= REPEAT_MILLIS) {
            if (degraded) {
                LOG.warn("{}", step.sentence());
            } else {
                LOG.info("{}", step.sentence());
            }
            lastSentence = step.sentence();
            lastLoggedMillis = now;
        }
    }
}
