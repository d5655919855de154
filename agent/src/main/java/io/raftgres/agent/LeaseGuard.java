package io.raftgres.agent;

import io.raftgres.core.model.RaftView;
import io.raftgres.core.spi.HaEvents;
import io.raftgres.core.spi.HaEvents.FenceReason;
import io.raftgres.core.spi.PostgresControl;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.VipControl;
import io.raftgres.core.spi.WatchdogControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;

/**
 * The fast fencing path, independent of the HA loop (which may be busy or slow): every
 * {@code lease_check_interval} it checks the lease and, when PostgreSQL may be writable here
 * but this member is no longer the leader with a valid lease, removes the VIP and stops
 * PostgreSQL immediately. While the lease is valid it feeds the watchdog and renews the VIP's
 * kernel lifetime; when it is not, it does neither, so a frozen agent is reset by the watchdog
 * and loses the VIP by kernel expiry rather than being trusted.
 *
 * <p>The timing rule this guard is part of (lease + check interval + fence time + drift &lt;
 * minimum election timeout) is derived in the raft module's {@code RaftLease}.
 * Runs on its own scheduled thread; {@link #check} never throws. An {@link Error} (which would
 * end the schedule silently) fences and stops the agent. Immediate stops go through
 * {@link LocalTracker#fence}, shared with the HA loop's fence decision.
 */
final class LeaseGuard {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseGuard.class);

    private final String member;
    private final ClusterStore store;
    private final PostgresControl pg;
    private final VipControl vip;
    private final WatchdogControl watchdog;
    private final LocalTracker tracker;
    private final BooleanSupplier paused;
    private final java.util.function.Consumer<String> fatal;
    private volatile HaEvents events = HaEvents.NONE;

    /**
     * @param fatal stops the agent with a reason; called once after an {@link Error} in a check,
     *              when this guard can no longer be trusted to run
     */
    LeaseGuard(String member, ClusterStore store, PostgresControl pg, VipControl vip, WatchdogControl watchdog,
               LocalTracker tracker, BooleanSupplier paused, java.util.function.Consumer<String> fatal) {
        this.fatal = fatal;
        this.member = member;
        this.store = store;
        this.pg = pg;
        this.vip = vip;
        this.watchdog = watchdog;
        this.tracker = tracker;
        this.paused = paused;
    }

    /** Reports each fence to {@code events}. */
    void reportTo(HaEvents events) {
        this.events = events;
    }

    void check() {
        try {
            RaftView view = store.view();
            if (leaseHolds(view)) {
                if (watchdog.isArmed()) {
                    watchdog.keepalive();
                }
                // Like the keepalive: only renewed while the lease holds, so a frozen agent's
                // kernel drops the VIP by itself (vip.lifetime_s).
                vip.refresh(() -> leaseHolds(store.view()));
                return;
            }
            if (tracker.mayBeWritable() && !paused.getAsBoolean()) {
                fence(view, FenceReason.LEASE_LOST);
            } else if (watchdog.isArmed() && tracker.ifCannotBeWritable(watchdog::disarm)) {
                // Armed for a promotion or start that never ran (the lease lapsed in between, so it
                // failed before PostgreSQL could become writable): nothing here needs the watchdog,
                // and unfed it would reset this host. In pause too.
                LOG.warn("watchdog disarmed in term {}: the lease is gone and PostgreSQL cannot be writable here",
                        view.term());
            }
        } catch (RuntimeException e) {
            LOG.error("lease check failed: {}", ActionExecutor.rootMessage(e));
        } catch (Error e) {
            // The scheduler would cancel this task silently, leaving a primary without its guard.
            LOG.error("the lease guard failed ({}); fencing and stopping the agent", e, e);
            try {
                fence(store.view(), FenceReason.GUARD_FAILED);
            } catch (Throwable t) {
                LOG.error("fencing after the lease guard failure failed too: {}", t.toString());
            }
            fatal.accept("the lease guard failed: " + e);
        }
    }

    /** The rule for feeding the watchdog and renewing the VIP: Raft leader with a valid lease and the leader key. */
    private boolean leaseHolds(RaftView view) {
        return view.isLeaderWithLease() && holdsLeaderKey();
    }

    private boolean holdsLeaderKey() {
        var state = store.state();
        var leader = state.leader();
        // During bootstrap the initializer runs the primary before any leader key exists.
        return leader == null ? member.equals(state.initializer()) : member.equals(leader.member());
    }

    private void fence(RaftView view, FenceReason reason) {
        long start = System.nanoTime();
        events.fenced(reason);
        vip.remove();
        tracker.fence(() -> pg.stop(StopMode.IMMEDIATE));
        watchdog.disarm();
        LOG.warn("fenced: lease lost in term {} ({}); VIP removed and PostgreSQL stopped in {} ms",
                view.term(), view.role().name().toLowerCase(), (System.nanoTime() - start) / 1_000_000);
    }
}
