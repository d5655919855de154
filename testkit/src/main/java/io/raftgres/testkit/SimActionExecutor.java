package io.raftgres.testkit;

import io.raftgres.core.decide.Decision;
import io.raftgres.core.decide.HaAction.AbortInitialize;
import io.raftgres.core.decide.HaAction.AddVip;
import io.raftgres.core.decide.HaAction.ArmWatchdog;
import io.raftgres.core.decide.HaAction.Bootstrap;
import io.raftgres.core.decide.HaAction.ClaimInitialize;
import io.raftgres.core.decide.HaAction.ClaimLeader;
import io.raftgres.core.decide.HaAction.Clone;
import io.raftgres.core.decide.HaAction.CompleteInitialize;
import io.raftgres.core.decide.HaAction.DisarmWatchdog;
import io.raftgres.core.decide.HaAction.EnsureSlots;
import io.raftgres.core.decide.HaAction.Follow;
import io.raftgres.core.decide.HaAction.Promote;
import io.raftgres.core.decide.HaAction.RecordTimelineSwitch;
import io.raftgres.core.decide.HaAction.RemoveDataDirectory;
import io.raftgres.core.decide.HaAction.RemoveVip;
import io.raftgres.core.decide.HaAction.Rewind;
import io.raftgres.core.decide.HaAction.StartPrimary;
import io.raftgres.core.decide.HaAction.Stop;
import io.raftgres.core.decide.HaAction.TransferLeadership;
import io.raftgres.core.decide.HaAction;
import io.raftgres.core.model.Activity;
import io.raftgres.core.model.TimelineOrigin;
import io.raftgres.core.spi.PostgresControlException;
import io.raftgres.core.spi.StopMode;
import io.raftgres.ha.LocalTracker;
import io.raftgres.statemachine.Command;

import java.util.List;
import java.util.function.Consumer;

/**
 * Runs one decision's actions in order for a {@link SimAgent} with the agent module's
 * {@code ActionExecutor} semantics: Raft commands wait for their commit (3 s at most) and a
 * rejection or timeout ends the list; long PostgreSQL operations start in the background and
 * end the list too (the next cycle sees them as busy); a primary start or promotion re-checks
 * that this member still holds the primary role when it begins; an immediate stop waits for
 * the stop; a VIP removal is waited for (the agent's {@code ip addr del} blocks its loop); a
 * leadership transfer is started and the list goes on. Afterwards a decision that
 * did not ask for the VIP removes a VIP that is present.
 *
 * <p>Threading: single-threaded; continuations run in later scheduler events.
 */
final class SimActionExecutor {

    static final long RAFT_WAIT_MILLIS = 3_000;

    private final SimAgent agent;

    SimActionExecutor(SimAgent agent) {
        this.agent = agent;
    }

    void execute(Decision decision, Runnable done) {
        long epoch = agent.epoch;
        step(decision.actions(), 0, epoch, () -> {
            if (!decision.has(AddVip.class)) {
                agent.removeVip();
            }
            done.run();
        });
    }

    private void step(List<HaAction> actions, int index, long epoch, Runnable done) {
        if (epoch != agent.epoch) {
            return;
        }
        if (index == actions.size()) {
            done.run();
            return;
        }
        run(actions.get(index), goOn -> {
            if (goOn) {
                step(actions, index + 1, epoch, done);
            } else if (epoch == agent.epoch) {
                done.run();
            }
        });
    }

    private void run(HaAction action, Consumer<Boolean> next) {
        if (changesPostgres(action)) {
            agent.lifecycleActions.accept(action.getClass().getSimpleName());
        }
        String me = agent.name;
        FakePostgres pg = agent.pg;
        AgentTiming t = agent.timing;
        switch (action) {
            case ClaimInitialize a -> submit(new Command.ClaimInitialize(me, a.term()), next);
            case Bootstrap a -> background(Activity.INITDB, t.initdbMillis(), Milestone.Kind.BOOTSTRAPPED,
                    () -> agent.tracker.markMayBeWritable(true), () -> {
                        pg.bootstrap();
                        agent.tracker.dataReplaced();
                    }, next);
            case CompleteInitialize a -> seedConfig(a.term(), ok -> {
                if (ok) {
                    submit(new Command.CompleteInitialize(me, a.term(), a.systemId()), next);
                } else {
                    next.accept(false);
                }
            });
            case AbortInitialize a -> submit(new Command.AbortInitialize(me, a.term()), next);
            case ClaimLeader a -> submit(new Command.ClaimLeader(me, a.term(), a.timeline(), a.optime()), ok -> {
                if (ok) {
                    milestone(Milestone.Kind.LEADER_CLAIMED, "term " + a.term() + " timeline " + a.timeline()
                            + " optime " + a.optime());
                }
                next.accept(ok);
            });
            case RecordTimelineSwitch a -> submit(new Command.RecordTimelineSwitch(me, a.term(), a.timeline(),
                    a.switchLsn(), "promoted " + me, agent.wallMillis()), ok -> {
                        if (ok) {
                            agent.tracker.timelineMadeBy(new TimelineOrigin(a.timeline(), me, a.term()));
                        }
                        next.accept(ok);
                    });
            case Clone a -> background(Activity.CLONING, t.cloneMillis(), Milestone.Kind.CLONED, () -> { },
                    () -> {
                        pg.cloneFrom(a.from());
                        copiedFrom(a.from().member());
                    }, next);
            case StartPrimary a -> background(Activity.STARTING, t.startMillis(), Milestone.Kind.STARTED_PRIMARY,
                    () -> primaryRoleStart("start PostgreSQL as primary"), () -> {
                        pg.startPrimary();
                        rearmIfPrimary();
                    }, next);
            case Follow a -> follow(a, next);
            case Promote a -> background(Activity.PROMOTING, t.promoteMillis(), Milestone.Kind.PROMOTED,
                    () -> primaryRoleStart("promote"), () -> {
                        pg.promote();
                        var key = agent.raft.committedState(me).leader();
                        agent.tracker.timelineMadeBy(new TimelineOrigin(pg.timeline(), me, key == null ? 0 : key.term()));
                        rearmIfPrimary();
                    }, next);
            case Stop a -> stop(a.mode(), next);
            case Rewind a -> background(Activity.REWINDING, t.rewindMillis(), Milestone.Kind.REWOUND, () -> { },
                    () -> {
                        pg.rewind(a.from());
                        copiedFrom(a.from().member());
                    }, next);
            case RemoveDataDirectory a -> background(Activity.REMOVING_DATA, t.removeDataMillis(),
                    Milestone.Kind.DATA_REMOVED, () -> { }, () -> {
                        pg.removeDataDirectory();
                        agent.tracker.dataReplaced();
                    }, next);
            case HaAction.KeepTimelineOrigin a -> {
                agent.tracker.timelineMadeBy(a.origin());
                next.accept(true);
            }
            case TransferLeadership a -> transfer(a.to(), next);
            case EnsureSlots a -> {
                pg.ensureSlots(a.slotNames());
                next.accept(true);
            }
            case AddVip a -> {
                if (!agent.vip.isPresent() && agent.vip.add()) {
                    milestone(Milestone.Kind.VIP_ADDED, "");
                }
                next.accept(true);
            }
            case RemoveVip a -> {
                long epoch = agent.epoch;
                agent.removeVip(() -> {
                    if (epoch == agent.epoch) {
                        next.accept(true);
                    }
                });
            }
            case ArmWatchdog a -> next.accept(agent.watchdog.isArmed() || agent.watchdog.arm());
            case DisarmWatchdog a -> {
                if (!agent.disarmBroken) {
                    agent.watchdog.disarm();
                }
                next.accept(true);
            }
            // The agent checkpoints first (a no-op here: the fake's fast stop writes the shutdown checkpoint).
            case HaAction.DemoteForSwitchover a -> stop(StopMode.FAST, next);
            case HaAction.BeginHandover a -> submit(new Command.BeginHandover(me, a.term(), a.to(), a.checkpoint(),
                    a.timeline(), agent.wallMillis()), next);
            case HaAction.AbandonSwitchover a -> submit(new Command.AbandonSwitchover(me, a.term(), a.why()), next);
            case HaAction.RaiseFeatureLevel a -> submit(new Command.SetFeatureLevel(me, a.term(), a.level()),
                    ok -> next.accept(true));
        }
    }

    /**
     * Starts, stops (all but the fence's immediate stop), promotions and data directory changes:
     * what a paused cluster's agents must not begin.
     */
    private boolean changesPostgres(HaAction action) {
        return switch (action) {
            case Bootstrap a -> true;
            case Clone a -> true;
            case StartPrimary a -> true;
            case Follow a -> !agent.pg.isRunning();
            case Promote a -> true;
            case Stop a -> a.mode() != StopMode.IMMEDIATE;
            case Rewind a -> true;
            case RemoveDataDirectory a -> true;
            case HaAction.DemoteForSwitchover a -> true;
            default -> false;
        };
    }

    private void follow(Follow action, Consumer<Boolean> next) {
        FakePostgres pg = agent.pg;
        if (pg.isRunning()) {
            try {
                pg.follow(action.upstream(), agent.name);
                next.accept(true);
            } catch (PostgresControlException e) {
                failed("re-point replication", e);
                next.accept(false);
            }
            return;
        }
        background(Activity.STARTING, agent.timing.startMillis(), Milestone.Kind.STARTED_STANDBY, () -> { },
                () -> pg.follow(action.upstream(), agent.name), next);
    }

    private void stop(StopMode mode, Consumer<Boolean> next) {
        if (mode == StopMode.IMMEDIATE) {
            agent.stopPostgres(mode, () -> {
                agent.tracker.markMayBeWritable(false);
                next.accept(true);
            });
            return;
        }
        LocalTracker tracker = agent.tracker;
        tracker.begin(Activity.STOPPING);
        agent.stopPostgres(mode, () -> {
            tracker.markMayBeWritable(false);
            tracker.succeed();
        });
        next.accept(false);
    }

    private void transfer(String to, Consumer<Boolean> next) {
        if (!agent.raft.committedState(agent.name).members().containsKey(to)) {
            next.accept(false);
            return;
        }
        milestone(Milestone.Kind.TRANSFER_REQUESTED, "to " + to);
        long epoch = agent.epoch;
        agent.raft.transferLeadership(agent.name, to, ok -> {
            if (epoch == agent.epoch) {
                agent.wake();
            }
        });
        next.accept(true);
    }

    /** The agent seeds bootstrap.dcs right before it publishes the system id (if nobody has yet). */
    private void seedConfig(long term, Consumer<Boolean> next) {
        if (agent.bootstrapConfig == null || agent.raft.committedState(agent.name).config().version() > 0) {
            next.accept(true);
        } else {
            submit(new Command.SeedConfig(agent.name, term, agent.bootstrapConfig), next);
        }
    }

    /** Submits and continues when it commits (true only if accepted) or after {@link #RAFT_WAIT_MILLIS}. */
    private void submit(Command command, Consumer<Boolean> next) {
        long epoch = agent.epoch;
        boolean[] finished = {false};
        long[] requestId = {0};
        EventScheduler.Event timeout = agent.scheduler.schedule(RAFT_WAIT_MILLIS,
                new RaftNode.Note(agent.name, "command timeout"), () -> {
                    if (!finished[0] && epoch == agent.epoch) {
                        finished[0] = true;
                        agent.raft.abandon(requestId[0]);
                        agent.scheduler.note(new RaftNode.Note(agent.name, command.getClass().getSimpleName()
                                + " could not be committed within " + RAFT_WAIT_MILLIS + " ms"));
                        next.accept(false);
                    }
                });
        requestId[0] = agent.raft.submit(agent.name, command, result -> {
            if (finished[0] || epoch != agent.epoch) {
                return;
            }
            finished[0] = true;
            timeout.cancel();
            if (!result.isSuccess()) {
                agent.scheduler.note(new RaftNode.Note(agent.name, command.getClass().getSimpleName() + ": "
                        + result.message()));
            }
            agent.wake();
            next.accept(result.isSuccess());
        });
    }

    /**
     * A long PostgreSQL operation: {@code begin} runs when it starts (and may refuse it by
     * throwing), {@code operation} when it would finish; the decision's list ends here.
     */
    private void background(Activity activity, long durationMillis, Milestone.Kind done, Runnable begin,
                            Runnable operation, Consumer<Boolean> next) {
        LocalTracker tracker = agent.tracker;
        tracker.begin(activity);
        try {
            begin.run();
        } catch (IllegalStateException e) {
            finishBackground(activity, e.getMessage());
            next.accept(false);
            return;
        }
        long epoch = agent.epoch;
        agent.scheduler.schedule(durationMillis, new RaftNode.Note(agent.name, activity + " completes"), () -> {
            if (epoch != agent.epoch) {
                return;
            }
            try {
                operation.run();
                tracker.succeed();
                milestone(done, "");
            } catch (PostgresControlException e) {
                finishBackground(activity, e.getMessage());
            }
            agent.wake();
        });
        next.accept(false);
    }

    /** As the agent's executor: a clone or rewind takes the source's branch when it holds the leader key. */
    private void copiedFrom(String source) {
        var state = agent.raft.committedState(agent.name);
        boolean fromPrimary = state.leader() != null && state.leader().member().equals(source);
        TimelineOrigin origin = fromPrimary ? TimelineOrigin.ofPrimary(state, agent.pg.timeline()) : null;
        if (origin == null) {
            agent.tracker.dataReplaced();
        } else {
            agent.tracker.timelineMadeBy(origin);
        }
    }

    private void finishBackground(Activity activity, String failure) {
        agent.tracker.fail(activity, failure);
        milestone(Milestone.Kind.OPERATION_FAILED, activity + ": " + failure);
    }

    /** As the agent's executor: a fence during the operation disarmed the watchdog; arm it again. */
    private void rearmIfPrimary() {
        if (agent.holdsPrimaryRole() && !agent.watchdog.isArmed()) {
            agent.watchdog.arm();
        }
    }

    /** Re-checked when a primary start or promotion begins: the decision may be stale by then. */
    private void primaryRoleStart(String what) {
        if (!agent.holdsPrimaryRole()) {
            throw new IllegalStateException("refusing to " + what + ": no longer the leader with a lease");
        }
        agent.tracker.markMayBeWritable(true);
    }

    private void failed(String what, PostgresControlException e) {
        agent.scheduler.note(new RaftNode.Note(agent.name, "could not " + what + ": " + e.getMessage()));
    }

    private void milestone(Milestone.Kind kind, String detail) {
        agent.milestones.accept(new Milestone(agent.scheduler.nowMillis(), agent.name, kind, detail));
    }
}
