package io.raftgres.ha;

import io.raftgres.core.decide.Decision;
import io.raftgres.core.decide.HaAction;
import io.raftgres.core.model.Activity;
import io.raftgres.core.model.TimelineCeiling;
import io.raftgres.core.model.TimelineOrigin;
import io.raftgres.core.spi.HaEvents;
import io.raftgres.core.spi.PostgresControl;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.VipControl;
import io.raftgres.core.spi.WatchdogControl;
import io.raftgres.statemachine.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Runs a {@link Decision}'s actions in order, each after the one before ended, and stops at the
 * first that fails or ends the list. Quick actions run on the HA loop's {@link Scheduler}; long
 * PostgreSQL operations (initdb, clone, start, promote, rewind, removal) go to
 * {@link PgOperations} while the loop keeps checking the lease, and report through
 * {@link LocalTracker}. Raft commands are submitted and the decision goes on when the commit is
 * answered, or ends after {@link RaftRequests#RAFT_WAIT} without an answer ({@link RaftRequests}).
 *
 * <p>Why continuations rather than a blocking wait on the commit: the HA loop's thread is not
 * held for up to {@link RaftRequests#RAFT_WAIT} per command, and the seeded simulation, which runs every
 * agent on one thread in simulated time, can run this class itself instead of a copy that
 * drifted (issue 9 item 2). {@link #execute} returns a stage the loop waits for before its next
 * cycle, so two decisions never interleave; every continuation runs on the loop's scheduler, so
 * the class stays confined to it. The re-checks are where they were: a primary start or a
 * promotion checks {@code stillPrimary} when it begins, an AddVip before and after the add.
 *
 * <p>VIP rule: a decision that does not ask for the VIP gets it removed if present, so a member
 * that is not the primary never keeps it, whatever happened before ({@link VipSteps}).
 */
public final class ActionExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(ActionExecutor.class);
    private static final CompletableFuture<Boolean> GO_ON = CompletableFuture.completedFuture(true);
    private static final CompletableFuture<Boolean> END = CompletableFuture.completedFuture(false);

    private final AgentIdentity me;
    private final ClusterStore store;
    private final PostgresControl pg;
    private final VipSteps vip;
    private final RaftRequests raft;
    private final WatchdogControl watchdog;
    private final LocalTracker tracker;
    private final PgOperations background;
    private final Clock clock;
    private final Runnable wake;
    private final UnaryOperator<String> slotName;
    private final BooleanSupplier stillPrimary;
    private volatile HaEvents events = HaEvents.NONE;
    private volatile boolean shuttingDown;

    /**
     * @param stillPrimary checked right before a promotion or a primary start runs, since the
     *                     decision may be stale by then: leader with lease holding the leader key
     * @param loop         the HA loop's scheduler: decisions are executed on it, and their continuations run on it
     */
    public ActionExecutor(AgentIdentity me, ClusterStore store, PostgresControl pg, VipControl vip,
                          WatchdogControl watchdog, LocalTracker tracker, PgOperations background, Runnable wake,
                          UnaryOperator<String> slotName, BooleanSupplier stillPrimary, Scheduler loop, Clock clock) {
        this.me = me;
        this.store = store;
        this.pg = pg;
        this.vip = new VipSteps(vip, stillPrimary, loop);
        this.raft = new RaftRequests(store, loop, wake);
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

    /**
     * The agent is stopping, and stops PostgreSQL and removes the VIP itself: from now on no action runs,
     * not even the rest of a decision under way, so nothing starts PostgreSQL (or adds the VIP) behind the
     * shutdown. Each refused decision is logged once at INFO. Any thread.
     */
    public void shutDown() {
        shuttingDown = true;
    }

    /**
     * Starts {@code decision}'s actions; the stage completes (on the loop's scheduler, or at once when
     * every action was quick) when the last one ran or one ended the list. Call on the loop's scheduler.
     */
    public CompletionStage<Void> execute(Decision decision) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        runFrom(decision, 0, done);
        return done;
    }

    private void runFrom(Decision decision, int index, CompletableFuture<Void> done) {
        List<HaAction> actions = decision.actions();
        try {
            for (int i = index; i < actions.size(); i++) {
                if (shuttingDown) {
                    refuseAtShutdown(actions.subList(i, actions.size()));
                    break;
                }
                CompletableFuture<Boolean> outcome = run(actions.get(i)).toCompletableFuture();
                if (!outcome.isDone()) {
                    int next = i + 1;
                    outcome.whenComplete((goOn, error) -> {
                        if (error != null) {
                            done.completeExceptionally(error);
                        } else {
                            runFrom(decision, Boolean.TRUE.equals(goOn) ? next : actions.size(), done);
                        }
                    });
                    return;
                }
                if (!outcome.join()) {
                    break;
                }
            }
            vip.removeUnlessAsked(decision);
            done.complete(null);
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
    }

    private static void refuseAtShutdown(List<HaAction> rest) {
        String names = rest.stream().map(a -> a.getClass().getSimpleName()).collect(Collectors.joining(", "));
        boolean starts = rest.stream().anyMatch(a -> a instanceof HaAction.StartPrimary
                || a instanceof HaAction.Follow || a instanceof HaAction.Promote || a instanceof HaAction.Bootstrap);
        LOG.info(starts ? "shutting down: not starting PostgreSQL ({})" : "shutting down: not running {}", names);
    }

    /** Completes with false when the rest of the decision must not run (a prerequisite failed). */
    private CompletionStage<Boolean> run(HaAction action) {
        String name = me.name();
        return switch (action) {
            case HaAction.ClaimInitialize a -> raft.submit(new Command.ClaimInitialize(name, a.term()));
            case HaAction.Bootstrap a -> inBackground(Activity.INITDB, () -> tracker.markMayBeWritable(true), () -> {
                pg.bootstrap();
                tracker.dataReplaced();
            });
            case HaAction.CompleteInitialize a -> seedConfig(a.term()).thenCompose(seeded -> seeded
                    ? raft.submit(new Command.CompleteInitialize(name, a.term(), a.systemId())) : END);
            case HaAction.AbortInitialize a -> raft.submit(new Command.AbortInitialize(name, a.term()));
            case HaAction.ClaimLeader a -> raft.submit(new Command.ClaimLeader(name, a.term(), a.timeline(),
                    a.optime()));
            case HaAction.RecordTimelineSwitch a -> raft.submit(new Command.RecordTimelineSwitch(name, a.term(),
                    a.timeline(), a.switchLsn(), a.reason(), clock.wallMillis()))
                    .thenApply(ok -> ok && recorded(new TimelineOrigin(a.timeline(), name, a.term())));
            case HaAction.Clone a -> inBackground(Activity.CLONING, () -> { }, () -> {
                pg.cloneFrom(a.from());
                copiedFrom(a.from().member());
            });
            case HaAction.StartPrimary a -> inBackground(Activity.STARTING,
                    () -> mayBecomeWritable("start PostgreSQL as primary"), () -> {
                        pg.startPrimary();
                        rearmIfPrimary();
                    });
            case HaAction.Follow a -> follow(a);
            case HaAction.Promote a -> inBackground(Activity.PROMOTING, () -> mayBecomeWritable("promote"), () -> {
                // from the state holding my own claim: in a switchover the claim is in the same decision
                pg.reserveTimelines(TimelineCeiling.reserveUpTo(store.state(), name));
                pg.promote();
                tracker.timelineMadeBy(new TimelineOrigin(pg.observe().timeline(), name, keyTerm()));
                rearmIfPrimary();
                events.promoted();
            });
            case HaAction.Stop a -> stop(a.mode());
            case HaAction.Rewind a -> inBackground(Activity.REWINDING, () -> { }, () -> {
                pg.rewind(a.from());
                copiedFrom(a.from().member());
            });
            case HaAction.RemoveDataDirectory a -> inBackground(Activity.REMOVING_DATA, () -> { }, () -> {
                pg.removeDataDirectory();
                tracker.dataReplaced();
            });
            case HaAction.KeepTimelineOrigin a -> now(recorded(a.origin()));
            case HaAction.TransferLeadership a -> now(raft.transferLeadership(a.to()));
            case HaAction.EnsureSlots a -> now(quietly("ensure replication slots", () -> pg.ensureSlots(
                    a.slotNames().stream().map(slotName).collect(Collectors.toSet()))));
            case HaAction.AddVip a -> {
                vip.add();
                yield GO_ON;
            }
            case HaAction.RemoveVip a -> vip.removed();
            case HaAction.ArmWatchdog a -> now(watchdog.isArmed() || watchdog.arm());
            // Logged if rejected; the cycle's other actions do not depend on it.
            case HaAction.RaiseFeatureLevel a -> raft.submit(new Command.SetFeatureLevel(name, a.term(), a.level()))
                    .thenApply(ok -> true);
            case HaAction.DemoteForSwitchover a -> inBackground(Activity.STOPPING, () -> { }, () -> {
                quietly("checkpoint before the switchover", pg::checkpoint);
                pg.stop(StopMode.FAST);
                tracker.markMayBeWritable(false);
            });
            case HaAction.BeginHandover a -> raft.submit(new Command.BeginHandover(name, a.term(), a.to(),
                    a.checkpoint(), a.timeline(), clock.wallMillis()));
            case HaAction.AbandonSwitchover a -> raft.submit(new Command.AbandonSwitchover(name, a.term(), a.why()));
            case HaAction.DisarmWatchdog a -> {
                watchdog.disarm();
                yield GO_ON;
            }
        };
    }

    private static CompletableFuture<Boolean> now(boolean goOn) {
        return goOn ? GO_ON : END;
    }

    private CompletionStage<Boolean> follow(HaAction.Follow a) {
        String slot = a.upstream() == null ? null : slotName.apply(me.name());
        if (pg.observe().running()) {
            return now(quietly("re-point replication", () -> pg.follow(a.upstream(), slot)));
        }
        return inBackground(Activity.STARTING, () -> { }, () -> pg.follow(a.upstream(), slot));
    }

    private CompletionStage<Boolean> stop(StopMode mode) {
        if (mode == StopMode.IMMEDIATE) {
            // Same path and bookkeeping as the lease guard's fence: serialized with it, and the
            // flag stays set while a start or promotion may still bring PostgreSQL up.
            return now(quietly("stop PostgreSQL immediately", () -> tracker.fence(() -> {
                countFence(tracker, events, HaEvents.FenceReason.HA_DECISION);
                pg.stop(StopMode.IMMEDIATE);
            })));
        }
        return inBackground(Activity.STOPPING, () -> { }, () -> {
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
     * PostgreSQL may be writable now. A fence while the start or promotion ran disarmed the watchdog
     * (the lease had lapsed); arm it again whether or not the lease is back at this instant, so no
     * moment is left where this member runs a writable primary with its lease and no watchdog until
     * the HA loop's next cycle. Without the lease the guard fences at its next check and disarms
     * after the stop, well within the watchdog's timeout; a freeze before that resets the host, which
     * is what the watchdog is for. Found by the simulation's REQUIRED_WATCHDOG_ARMED invariant (first
     * with the lease back before the operation ended; with the production executor, seeds 1318 and
     * 1588 of 2,000: the lease returned milliseconds after it ended).
     */
    private void rearmIfPrimary() {
        if (!watchdog.isArmed()) {
            watchdog.arm();
        }
    }

    /** The term of the leader key this member holds (checked just before by {@link #mayBecomeWritable}). */
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

    /**
     * When a primary start or a promotion begins: refuses unless this member still holds the primary
     * role, then sets the flag the lease guard fences on before PostgreSQL can become writable.
     */
    private void mayBecomeWritable(String what) {
        if (!stillPrimary.getAsBoolean()) {
            throw new IllegalStateException("refusing to " + what + ": no longer the leader with a lease");
        }
        tracker.markMayBeWritable(true);
    }

    private CompletionStage<Boolean> seedConfig(long term) {
        if (me.bootstrapDcs() == null || store.state().config().version() > 0) {
            return GO_ON;
        }
        return raft.submit(new Command.SeedConfig(me.name(), term, me.bootstrapDcs()));
    }

    /** Hands a long operation to {@link PgOperations}; the decision's list ends here (the next cycle sees it busy). */
    private CompletionStage<Boolean> inBackground(Activity activity, Runnable check, Runnable work) {
        tracker.begin(activity);
        background.submit(new PgOperation(activity, check, work, tracker, clock, wake));
        return END;
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
