package io.raftgres.testkit;

import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.spi.PostgresControl;
import io.raftgres.core.spi.PostgresControlException;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.Upstream;
import io.raftgres.core.spi.VipControl;
import io.raftgres.core.spi.WatchdogControl;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One simulated host's PostgreSQL, VIP and watchdog as the agent's ports see them, shared by the
 * agent's {@code ActionExecutor} and {@code LeaseGuard} (module {@code ha}) as in the agent. The
 * calls return at once, since the simulation runs on one thread, and the two that take real time
 * whoever calls them take simulated time here:
 * <ul>
 *   <li>an immediate stop: PostgreSQL stays writable until the stop ends, at most the fence budget
 *       later (the agent's escalation to SIGKILL bounds it); a stop under way is joined;</li>
 *   <li>a VIP removal: the VIP stays until it ends; most take up to
 *       {@link AgentTiming#vipRemoveTypicalMillis()}, one in ten waits for an add or renewal in
 *       flight, up to {@link AgentTiming#vipRemoveMaxMillis()}.</li>
 * </ul>
 * The other long operations (initdb, clone, start, promotion, rewind, fast stop) take their time in
 * {@link SimPgOperations} before their call arrives here, so here they take effect at once.
 * A watchdog disarm waits for a stop under way, as the agent disarms only once its stop returned.
 * A decision's VIP removal ends before its next action, as in the agent ({@link VipControl#removal()}).
 * One difference remains: the agent's HA loop thread blocks on an immediate stop, while here the
 * decision's next actions run at once after it (earlier than in the agent). The lease guard's
 * fence, which bounds how long a deposed primary stays writable, runs beside the loop in both.
 * Completed operations are reported as {@link Milestone}s.
 *
 * <p>Threading: single-threaded; completions run in later scheduler events and are dropped when
 * the host died meanwhile ({@link #died()}).
 */
final class SimHost {

    private final String name;
    private final EventScheduler scheduler;
    private final FakePostgres pg;
    private final FakeVip vip;
    private final FakeWatchdog watchdog;
    private final AgentTiming timing;
    private final long fenceBudgetMillis;
    private final RandomGenerator random;
    private final Consumer<Milestone> milestones;
    private final Runnable stopped;

    /** Test switch: fence as the agent did before issue 9 item 8 (stop only after the VIP is gone). */
    boolean fenceWaitsForVip;
    /** Test switch: the agent never disarms its watchdog, fence or decision (shows WATCHDOG_FED can fail). */
    boolean disarmBroken;

    private long incarnation;
    /** Non-null while a stop is under way: what waits for it to end. */
    private List<Runnable> stopWaiters;
    /** Non-null while a VIP removal is under way: what waits for it to end. */
    private List<Runnable> vipRemoval;

    final PostgresControl postgres = new Postgres();
    final VipControl vipControl = new Vip();
    final WatchdogControl watchdogControl = new Watchdog();

    /** @param stopped told (the agent woken) when a stop ended */
    SimHost(String name, EventScheduler scheduler, FakePostgres pg, FakeVip vip, FakeWatchdog watchdog,
            AgentTiming timing, long fenceBudgetMillis, RandomGenerator random, Consumer<Milestone> milestones,
            Runnable stopped) {
        this.name = name;
        this.scheduler = scheduler;
        this.pg = pg;
        this.vip = vip;
        this.watchdog = watchdog;
        this.timing = timing;
        this.fenceBudgetMillis = fenceBudgetMillis;
        this.random = random;
        this.milestones = milestones;
        this.stopped = stopped;
    }

    /** The host crashed: PostgreSQL, the VIP and the watchdog go with it, and nothing under way ends. */
    void died() {
        incarnation++;
        vip.remove();
        watchdog.disarm();
        pg.crash();
        vipRemoval = null;
        stopWaiters = null;
    }

    /**
     * The agent process alone died (SIGKILL): PostgreSQL keeps running, an orphan; nothing under way
     * ends. The VIP goes (the kernel drops it when its lifetime runs out) and so does the watchdog
     * (a host without a device: the watchdog would otherwise reset it, which {@link #died()} models).
     */
    void agentDied() {
        incarnation++;
        vip.remove();
        watchdog.disarm();
        vipRemoval = null;
        stopWaiters = null;
    }

    /** Whether a stop of PostgreSQL is under way (signalled, not yet ended). */
    boolean isStopping() {
        return stopWaiters != null;
    }

    /** Removes the VIP (joining a removal under way); {@code then} runs once no removal is under way. */
    void removeVip(Runnable then) {
        if (vipRemoval != null) {
            vipRemoval.add(then);
            return;
        }
        if (!vip.isPresent()) {
            then.run();
            return;
        }
        List<Runnable> waiters = new ArrayList<>(List.of(then));
        vipRemoval = waiters;
        long slowest = random.nextInt(10) == 0 ? timing.vipRemoveMaxMillis() : timing.vipRemoveTypicalMillis();
        scheduler.schedule(random.nextLong(slowest + 1), new RaftNode.Note(name, "VIP removal completes"), () -> {
            if (vip.isPresent()) {
                vip.remove();
                milestone(Milestone.Kind.VIP_REMOVED, "");
            }
            if (vipRemoval == waiters) {
                vipRemoval = null;
            }
            waiters.forEach(Runnable::run);
        });
    }

    /** Stops PostgreSQL (joining a stop already under way); {@code then} runs once it is down. */
    void stopPostgres(StopMode mode, Runnable then) {
        if (stopWaiters != null) {
            stopWaiters.add(then);
            return;
        }
        // A start, promotion or initdb in flight is not cancelled, as in the agent: it may bring
        // PostgreSQL up after this stop, and the lease guard keeps fencing until it is over.
        if (!pg.isRunning()) {
            then.run();
            return;
        }
        stopWaiters = new ArrayList<>(List.of(then));
        long duration = mode == StopMode.IMMEDIATE ? random.nextLong(timing.fenceMinMillis(), fenceBudgetMillis + 1)
                : timing.stopFastMillis();
        long mine = incarnation;
        scheduler.schedule(duration, new RaftNode.Note(name, "stop " + mode + " completes"), () -> {
            if (mine != incarnation) {
                return;
            }
            pg.stop(mode);
            milestone(Milestone.Kind.STOPPED, mode.toString());
            List<Runnable> waiters = stopWaiters;
            stopWaiters = null;
            stopped.run();
            waiters.forEach(Runnable::run);
        });
    }

    private void milestone(Milestone.Kind kind, String detail) {
        milestones.accept(new Milestone(scheduler.nowMillis(), name, kind, detail));
    }

    /** Runs a PostgreSQL operation that takes effect at once; a failure is a milestone and is rethrown. */
    private void operation(Milestone.Kind done, Runnable call) {
        try {
            call.run();
        } catch (PostgresControlException e) {
            milestone(Milestone.Kind.OPERATION_FAILED, done + ": " + e.getMessage());
            throw e;
        }
        milestone(done, "");
    }

    private final class Postgres implements PostgresControl {
        @Override public LocalPgState observe() {
            return pg.observe();
        }

        @Override public void bootstrap() {
            operation(Milestone.Kind.BOOTSTRAPPED, pg::bootstrap);
        }

        @Override public void cloneFrom(Upstream from) {
            operation(Milestone.Kind.CLONED, () -> pg.cloneFrom(from));
        }

        @Override public void startPrimary() {
            operation(Milestone.Kind.STARTED_PRIMARY, pg::startPrimary);
        }

        @Override public void follow(Upstream upstream, String selfSlot) {
            if (pg.isRunning()) {
                pg.follow(upstream, selfSlot);
            } else {
                operation(Milestone.Kind.STARTED_STANDBY, () -> pg.follow(upstream, selfSlot));
            }
        }

        /** Immediate: takes the fence's time (see the class comment); fast: its time was spent before the call. */
        @Override public void stop(StopMode mode) {
            if (mode != StopMode.IMMEDIATE) {
                pg.stop(mode);
                milestone(Milestone.Kind.STOPPED, mode.toString());
                return;
            }
            Runnable stop = () -> stopPostgres(mode, () -> { });
            if (fenceWaitsForVip && vipRemoval != null) {
                vipRemoval.add(stop);
            } else {
                stop.run();
            }
        }

        @Override public void reserveTimelines(long upTo) {
            pg.reserveTimelines(upTo);
        }

        @Override public void promote() {
            operation(Milestone.Kind.PROMOTED, pg::promote);
        }

        @Override public void rewind(Upstream from) {
            operation(Milestone.Kind.REWOUND, () -> pg.rewind(from));
        }

        @Override public void removeDataDirectory() {
            operation(Milestone.Kind.DATA_REMOVED, pg::removeDataDirectory);
        }

        @Override public void ensureSlots(Set<String> slotNames) {
            pg.ensureSlots(slotNames);
        }
    }

    private final class Vip implements VipControl {
        @Override public boolean isPresent() {
            return vip.isPresent();
        }

        @Override public boolean add() {
            boolean was = vip.isPresent();
            boolean added = vip.add();
            if (added && !was) {
                milestone(Milestone.Kind.VIP_ADDED, "");
            }
            return added;
        }

        @Override public boolean remove() {
            removeVip(() -> { });
            return true;
        }

        /** Completes when the simulated removal ended, as the agent's {@code ip addr del} returns then. */
        @Override public java.util.concurrent.CompletionStage<Boolean> removal() {
            java.util.concurrent.CompletableFuture<Boolean> gone = new java.util.concurrent.CompletableFuture<>();
            removeVip(() -> gone.complete(true));
            return gone;
        }

        @Override public boolean refresh(java.util.function.BooleanSupplier stillHolds) {
            return vip.refresh(stillHolds);
        }
    }

    private final class Watchdog implements WatchdogControl {
        @Override public boolean arm() {
            return watchdog.arm();
        }

        @Override public void keepalive() {
            watchdog.keepalive();
        }

        @Override public boolean isArmed() {
            return watchdog.isArmed();
        }

        @Override public void disarm() {
            // The agent disarms once its blocking stop returned: after the stop, here too.
            Runnable disarm = () -> {
                if (!disarmBroken) {
                    watchdog.disarm();
                }
            };
            if (stopWaiters != null) {
                stopWaiters.add(disarm);
            } else {
                disarm.run();
            }
        }
    }
}
