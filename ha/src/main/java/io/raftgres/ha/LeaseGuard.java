package io.raftgres.ha;

import io.raftgres.core.model.RaftView;
import io.raftgres.core.spi.HaEvents;
import io.raftgres.core.spi.HaEvents.FenceReason;
import io.raftgres.core.spi.PostgresControl;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.VipControl;
import io.raftgres.core.spi.WatchdogControl;
import io.raftgres.core.timing.LapseRule;
import io.raftgres.core.timing.SafetyTiming;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The fast fencing path, independent of the HA loop (which may be busy or slow): every
 * {@code lease_check_interval} it checks the lease and, when PostgreSQL may be writable here
 * but this member is no longer the leader with a valid lease, removes the VIP and stops
 * PostgreSQL immediately, the two at once: the removal runs on its own executor and may wait
 * for an add or renewal holding the VIP lock and then for {@code ip} (up to
 * {@code command_timeout_ms}, 2 s), so the stop, which ends writes, never waits for it. The
 * stop is bounded by its escalation to SIGKILL (half the fence budget); the guard then waits for
 * the removal only for what is left of the fence budget, so the whole fence stays within it. While the lease is valid it feeds the watchdog and renews the VIP's
 * kernel lifetime; when it is not, it does neither, so a frozen agent is reset by the watchdog
 * and loses the VIP by kernel expiry rather than being trusted.
 *
 * <p>Maintenance mode (pause) does not stop this guard: pause suppresses promotions, restarts
 * and kills, but a member whose lease lapsed must never acknowledge writes while another member
 * could be promoted, and the paused flag this member sees may be stale (a partitioned primary
 * does not learn that the majority resumed and promoted another member). A lapsed lease fences
 * in pause as outside it. With the lease gate ({@link #judgeLapsesWith}), "fence" means what the
 * {@link LapseRule} says: a lapse closes the gate at once (the gate asks for the lease before every
 * reply) and stops PostgreSQL only at the rule's deadline, in pause as outside it.
 *
 * <p>The timing rule this guard is part of (lease + check interval + fence budget + drift &lt;
 * minimum election timeout) is {@link SafetyTiming}'s; the guard takes its fence budget from it.
 * Runs on its own scheduled thread; {@link #check} never throws. An {@link Error} (which would
 * end the schedule silently) fences and stops the agent. Immediate stops go through
 * {@link LocalTracker#fence}, shared with the HA loop's fence decision.
 */
public final class LeaseGuard {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseGuard.class);

    private final String member;
    private final ClusterStore store;
    private final PostgresControl pg;
    private final VipControl vip;
    private final WatchdogControl watchdog;
    private final LocalTracker tracker;
    private final Clock clock;
    private final Executor vipRemoval;
    private final SafetyTiming timing;
    private final Consumer<String> fatal;
    private volatile HaEvents events = HaEvents.NONE;
    private volatile LapseJudge lapses;
    /** When the current gated lapse began (guard thread only), or -1 outside one. */
    private long gatedSince = -1;

    /**
     * @param vipRemoval runs the fence's VIP removal beside the stop (its own thread in the agent)
     * @param timing     supplies the fence budget
     * @param fatal      stops the agent with a reason; called once after an {@link Error} in a check,
     *                   when this guard can no longer be trusted to run
     */
    public LeaseGuard(String member, ClusterStore store, PostgresControl pg, VipControl vip,
                      WatchdogControl watchdog, LocalTracker tracker, Clock clock,
                      Executor vipRemoval, SafetyTiming timing, Consumer<String> fatal) {
        this.fatal = fatal;
        this.member = member;
        this.store = store;
        this.pg = pg;
        this.vip = vip;
        this.watchdog = watchdog;
        this.tracker = tracker;
        this.clock = clock;
        this.vipRemoval = vipRemoval;
        this.timing = timing;
    }

    /** Reports each fence to {@code events}. */
    public void reportTo(HaEvents events) {
        this.events = events;
    }

    /**
     * With the lease gate: a lapse first only closes the gate, and this guard fences when {@code judge}
     * says so (at the lapse rule's deadline, or at once when the gate is not in effect or another member
     * may lead). Without a judge every lapse fences at once.
     */
    public void judgeLapsesWith(LapseJudge judge) {
        this.lapses = judge;
    }

    public void check() {
        try {
            RaftView view = store.view();
            if (leaseHolds(view)) {
                endGatedLapse(view);
                if (watchdog.isArmed()) {
                    watchdog.keepalive();
                }
                // Like the keepalive: only renewed while the lease holds, so a frozen agent's
                // kernel drops the VIP by itself (vip.lifetime_s).
                vip.refresh(() -> leaseHolds(store.view()));
                return;
            }
            if (tracker.mayBeWritable()) {
                if (gateHolds(view)) {
                    return;
                }
                gatedSince = -1;
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

    /**
     * Whether the lapse rule lets PostgreSQL keep running behind the closed gate for now; logs the start
     * of such a lapse once. Neither the watchdog is fed nor the VIP renewed meanwhile.
     */
    private boolean gateHolds(RaftView view) {
        LapseJudge judge = lapses;
        if (judge == null) {
            return false;
        }
        LapseRule.Verdict verdict = judge.now();
        if (!verdict.keepsRunning()) {
            if (gatedSince >= 0) {
                LOG.warn("gated lapse over in term {}: {}", view.term(), verdict.sentence());
            }
            return false;
        }
        if (gatedSince < 0 && verdict.reason() == LapseRule.Reason.GATE_HOLDS) {
            gatedSince = clock.monotonicMillis();
            LOG.warn("lease lapsed in term {}: the lease gate holds every commit; PostgreSQL keeps running and is"
                    + " fenced in {} ms unless the lease returns", view.term(), verdict.deadlineMillis() - gatedSince);
        }
        return true;
    }

    /** The lease is back: a gated lapse, if one ran, ends without a restart (the gate reopens by itself). */
    private void endGatedLapse(RaftView view) {
        if (gatedSince >= 0) {
            LOG.info("lease back in term {} after {} ms: the lease gate reopens, PostgreSQL was not restarted",
                    view.term(), clock.monotonicMillis() - gatedSince);
            gatedSince = -1;
        }
    }

    /** The rule for feeding the watchdog and renewing the VIP: Raft leader with a valid lease and the leader key. */
    private boolean leaseHolds(RaftView view) {
        return view.isLeaderWithLease() && holdsLeaderKey();
    }

    private boolean holdsLeaderKey() {
        // During bootstrap the initializer runs the primary before any leader key exists.
        return store.state().primaryKeyHeldBy(member);
    }

    private void fence(RaftView view, FenceReason reason) {
        long start = clock.monotonicMillis();
        CompletableFuture<Boolean> vipGone = CompletableFuture.supplyAsync(vip::remove, vipRemoval);
        tracker.fence(() -> {
            ActionExecutor.countFence(tracker, events, reason);
            pg.stop(StopMode.IMMEDIATE);
        });
        watchdog.disarm();
        long stopped = clock.monotonicMillis() - start;
        long left = timing.fenceBudget().toMillis() - stopped;
        String vipOutcome;
        try {
            vipOutcome = vipGone.get(Math.max(0, left), TimeUnit.MILLISECONDS) ? "VIP removed" : "VIP removal failed";
        } catch (TimeoutException e) {
            vipOutcome = "VIP removal still running at the end of the fence budget";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            vipOutcome = "VIP removal not awaited (interrupted)";
        } catch (ExecutionException e) {
            vipOutcome = "VIP removal failed: " + ActionExecutor.rootMessage(e);
        }
        LOG.warn("fenced: lease lost in term {} ({}); PostgreSQL stopped in {} ms; {} after {} ms",
                view.term(), view.role().name().toLowerCase(), stopped, vipOutcome, clock.monotonicMillis() - start);
    }
}
