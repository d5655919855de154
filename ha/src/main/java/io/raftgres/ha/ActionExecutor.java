package io.raftgres.ha;

import io.raftgres.core.decide.Decision;
import io.raftgres.core.decide.HaAction;
import io.raftgres.core.model.Activity;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.TimelineOrigin;
import io.raftgres.core.spi.HaEvents;
import io.raftgres.core.spi.PostgresControl;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.VipControl;
import io.raftgres.core.spi.WatchdogControl;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Runs a {@link Decision}'s actions in order. Quick actions run on the HA loop thread; long
 * PostgreSQL operations (initdb, clone, start, promote, rewind, removal) run on a single
 * background thread while the loop keeps checking the lease, and report through
 * {@link LocalTracker}. Raft commands are submitted with a bounded wait.
 *
 * <p>VIP rule: a decision that does not ask for the VIP gets it removed if present, so a member
 * that is not the primary never keeps it, whatever happened before.
 */
public final class ActionExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(ActionExecutor.class);
    private static final Duration RAFT_WAIT = Duration.ofSeconds(3);

    private final AgentIdentity me;
    private final ClusterStore store;
    private final PostgresControl pg;
    private final VipControl vip;
    private final WatchdogControl watchdog;
    private final LocalTracker tracker;
    private final Executor background;
    private final Clock clock;
    private final Runnable wake;
    private final UnaryOperator<String> slotName;
    private final BooleanSupplier stillPrimary;
    private volatile HaEvents events = HaEvents.NONE;
    private final AtomicBoolean transferInFlight = new AtomicBoolean();

    /**
     * @param stillPrimary checked right before a promotion or a primary start runs, since the
     *                     decision may be stale by then: leader with lease holding the leader key
     */
    public ActionExecutor(AgentIdentity me, ClusterStore store, PostgresControl pg, VipControl vip,
                          WatchdogControl watchdog, LocalTracker tracker, Executor background, Runnable wake,
                          UnaryOperator<String> slotName, BooleanSupplier stillPrimary, Clock clock) {
        this.me = me;
        this.store = store;
        this.pg = pg;
        this.vip = vip;
        this.watchdog = watchdog;
        this.tracker = tracker;
        this.background = background;
        this.wake = wake;
        this.slotName = slotName;
        this.stillPrimary = stillPrimary;
        this.clock = clock;
    }

    /** Reports fences and promotions to {@code events}. Call before the first decision. */
    public void reportTo(HaEvents events) {
        this.events = events;
    }

    public void execute(Decision decision) {
        for (HaAction action : decision.actions()) {
            if (!run(action)) {
                break;
            }
        }
        if (!decision.has(HaAction.AddVip.class) && vip.isPresent()) {
            vip.remove();
        }
    }

    /** Returns false when the rest of the decision must not run (a prerequisite failed). */
    private boolean run(HaAction action) {
        String name = me.name();
        return switch (action) {
            case HaAction.ClaimInitialize a -> submit(new Command.ClaimInitialize(name, a.term()));
            case HaAction.Bootstrap a -> inBackground(Activity.INITDB, () -> {
                tracker.markMayBeWritable(true);
                pg.bootstrap();
                tracker.dataReplaced();
            });
            case HaAction.CompleteInitialize a -> seedConfig(a.term())
                    && submit(new Command.CompleteInitialize(name, a.term(), a.systemId()));
            case HaAction.AbortInitialize a -> submit(new Command.AbortInitialize(name, a.term()));
            case HaAction.ClaimLeader a -> submit(new Command.ClaimLeader(name, a.term(), a.timeline(), a.optime()));
            case HaAction.RecordTimelineSwitch a -> submit(new Command.RecordTimelineSwitch(name, a.term(),
                    a.timeline(), a.switchLsn(), a.reason(), clock.wallMillis()))
                    && recorded(new TimelineOrigin(a.timeline(), name, a.term()));
            case HaAction.Clone a -> inBackground(Activity.CLONING, () -> {
                pg.cloneFrom(a.from());
                copiedFrom(a.from().member());
            });
            case HaAction.StartPrimary a -> inBackground(Activity.STARTING, () -> {
                requirePrimaryRole("start PostgreSQL as primary");
                tracker.markMayBeWritable(true);
                pg.startPrimary();
                rearmIfPrimary();
            });
            case HaAction.Follow a -> follow(a);
            case HaAction.Promote a -> inBackground(Activity.PROMOTING, () -> {
                requirePrimaryRole("promote");
                tracker.markMayBeWritable(true);
                pg.promote();
                tracker.timelineMadeBy(new TimelineOrigin(pg.observe().timeline(), name, keyTerm()));
                rearmIfPrimary();
                events.promoted();
            });
            case HaAction.Stop a -> stop(a.mode());
            case HaAction.Rewind a -> inBackground(Activity.REWINDING, () -> {
                pg.rewind(a.from());
                copiedFrom(a.from().member());
            });
            case HaAction.RemoveDataDirectory a -> inBackground(Activity.REMOVING_DATA, () -> {
                pg.removeDataDirectory();
                tracker.dataReplaced();
            });
            case HaAction.KeepTimelineOrigin a -> recorded(a.origin());
            case HaAction.TransferLeadership a -> transfer(a.to());
            case HaAction.EnsureSlots a -> quietly("ensure replication slots", () -> pg.ensureSlots(
                    a.slotNames().stream().map(slotName).collect(Collectors.toSet())));
            case HaAction.AddVip a -> {
                addVip();
                yield true;
            }
            case HaAction.RemoveVip a -> {
                // Removal never blocks the demotion that follows it.
                vip.remove();
                yield true;
            }
            case HaAction.ArmWatchdog a -> watchdog.isArmed() || watchdog.arm();
            case HaAction.RaiseFeatureLevel a -> {
                // Logged if rejected; the cycle's other actions do not depend on it.
                submit(new Command.SetFeatureLevel(name, a.term(), a.level()));
                yield true;
            }
            case HaAction.DemoteForSwitchover a -> inBackground(Activity.STOPPING, () -> {
                quietly("checkpoint before the switchover", pg::checkpoint);
                pg.stop(StopMode.FAST);
                tracker.markMayBeWritable(false);
            });
            case HaAction.BeginHandover a -> submit(new Command.BeginHandover(name, a.term(), a.to(), a.checkpoint(),
                    a.timeline(), clock.wallMillis()));
            case HaAction.AbandonSwitchover a -> submit(new Command.AbandonSwitchover(name, a.term(), a.why()));
            case HaAction.DisarmWatchdog a -> {
                watchdog.disarm();
                yield true;
            }
        };
    }

    /**
     * The decision is one cycle old: add the VIP only while this member still is the leader with
     * a lease holding the key, and check again after the add (the lease may lapse during it, and
     * a fence that removed the VIP meanwhile must not be undone). A failed add is logged by the
     * adapter and retried next cycle; it blocks nothing.
     */
    private void addVip() {
        if (vip.isPresent() || !stillPrimary.getAsBoolean()) {
            return;
        }
        vip.add();
        if (!stillPrimary.getAsBoolean()) {
            LOG.warn("removing the VIP just added: the lease lapsed meanwhile");
            vip.remove();
        }
    }

    private boolean follow(HaAction.Follow a) {
        String slot = a.upstream() == null ? null : slotName.apply(me.name());
        if (pg.observe().running()) {
            return quietly("re-point replication", () -> pg.follow(a.upstream(), slot));
        }
        return inBackground(Activity.STARTING, () -> pg.follow(a.upstream(), slot));
    }

    private boolean stop(StopMode mode) {
        if (mode == StopMode.IMMEDIATE) {
            // Same path and bookkeeping as the lease guard's fence: serialized with it, and the
            // flag stays set while a start or promotion may still bring PostgreSQL up.
            return quietly("stop PostgreSQL immediately", () -> tracker.fence(() -> {
                countFence(tracker, events, HaEvents.FenceReason.HA_DECISION);
                pg.stop(StopMode.IMMEDIATE);
            }));
        }
        return inBackground(Activity.STOPPING, () -> {
            pg.stop(StopMode.FAST);
            tracker.markMayBeWritable(false);
        });
    }

    /**
     * Counts a fence in {@code events} unless an earlier one (this loop's or the lease guard's) already
     * stopped PostgreSQL: a stale decision repeated after a freeze stops it again but is no new fence.
     * Called inside {@link LocalTracker#fence}, so a fence that ran concurrently has recorded itself.
     */
    static void countFence(LocalTracker tracker, HaEvents events, HaEvents.FenceReason reason) {
        if (tracker.mayBeWritable()) {
            events.fenced(reason);
        }
    }

    /**
     * A fence while the start or promotion ran disarmed the watchdog (the lease had lapsed); if the
     * lease is back, this member now runs a primary that the HA loop would re-arm only on its next
     * cycle. Arm it now, so a freeze in between is still covered (found by the simulation's
     * REQUIRED_WATCHDOG_ARMED invariant).
     */
    private void rearmIfPrimary() {
        if (stillPrimary.getAsBoolean() && !watchdog.isArmed()) {
            watchdog.arm();
        }
    }

    /** The term of the leader key this member holds (checked just before by {@link #requirePrimaryRole}). */
    private long keyTerm() {
        var leader = store.state().leader();
        return leader == null ? 0 : leader.term();
    }

    /**
     * The data directory now holds {@code source}'s timeline (a clone or a rewind): keep its
     * branch when {@code source} holds the leader key, else the origin is unknown.
     */
    private void copiedFrom(String source) {
        var state = store.state();
        boolean fromPrimary = state.leader() != null && state.leader().member().equals(source);
        TimelineOrigin origin = fromPrimary ? TimelineOrigin.ofPrimary(state, pg.observe().timeline()) : null;
        if (origin == null) {
            tracker.dataReplaced();
        } else {
            tracker.timelineMadeBy(origin);
        }
    }

    /** The history now names this member's promotion under the recorded term: keep that with the data. */
    private boolean recorded(TimelineOrigin origin) {
        tracker.timelineMadeBy(origin);
        return true;
    }

    private void requirePrimaryRole(String what) {
        if (!stillPrimary.getAsBoolean()) {
            throw new IllegalStateException("refusing to " + what + ": no longer the leader with a lease");
        }
    }

    private boolean seedConfig(long term) {
        if (me.bootstrapDcs() == null || store.state().config().version() > 0) {
            return true;
        }
        return submit(new Command.SeedConfig(me.name(), term, me.bootstrapDcs()));
    }

    private boolean transfer(String member) {
        MemberRecord target = store.state().members().get(member);
        if (target == null) {
            LOG.warn("cannot hand Raft leadership to {}: no member record", member);
            return false;
        }
        // the decision repeats every cycle while a transfer runs: one transfer at a time, one line per failure
        if (!transferInFlight.compareAndSet(false, true)) {
            return true;
        }
        store.transferLeadership(target.raftAddress(), Duration.ofSeconds(5)).whenComplete((ok, error) -> {
            transferInFlight.set(false);
            if (error != null) {
                LOG.warn("handing Raft leadership to {} failed: {}", member, error.getMessage());
            }
            wake.run();
        });
        return true;
    }

    private boolean submit(Command command) {
        try {
            ApplyResult result = store.submit(command).get(RAFT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (!result.accepted()) {
                LOG.warn("{} was rejected: {}", command.getClass().getSimpleName(), result.rejection());
            }
            wake.run();
            return result.accepted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            LOG.warn("{} could not be committed: {}", command.getClass().getSimpleName(), rootMessage(e));
            return false;
        }
    }

    private boolean inBackground(Activity activity, Runnable work) {
        tracker.begin(activity);
        background.execute(() -> {
            long start = clock.monotonicMillis();
            try {
                work.run();
                tracker.succeed();
                LOG.info("{} finished in {} ms", activity.name().toLowerCase(), clock.monotonicMillis() - start);
            } catch (RuntimeException e) {
                tracker.fail(activity, rootMessage(e));
                LOG.warn("{} failed: {}", activity.name().toLowerCase(), rootMessage(e));
            } finally {
                wake.run();
            }
        });
        return false;
    }

    private static boolean quietly(String what, Runnable work) {
        try {
            work.run();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("could not {}: {}", what, rootMessage(e));
            return false;
        }
    }

    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
