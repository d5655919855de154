package io.raftgres.testkit;

import io.raftgres.ha.Scheduler;

import java.util.function.BooleanSupplier;

/**
 * One agent process's {@link Scheduler} (the HA loop's thread) in simulated time: its tasks are
 * events of the shared {@link EventScheduler}, labelled with the member. A task that comes due
 * after the process ended ({@code alive} false: killed, shut down, replaced by a restart) is
 * dropped, as the work of a dead process is.
 */
final class SimScheduler implements Scheduler {

    private final EventScheduler events;
    private final String member;
    private final String what;
    private final BooleanSupplier alive;

    SimScheduler(EventScheduler events, String member, String what, BooleanSupplier alive) {
        this.events = events;
        this.member = member;
        this.what = what;
        this.alive = alive;
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        EventScheduler.Event event = events.schedule(Math.max(0, delayMillis), new RaftNode.Note(member, what), () -> {
            if (alive.getAsBoolean()) {
                task.run();
            }
        });
        return event::cancel;
    }

    @Override
    public void execute(Runnable task) {
        schedule(0, task);
    }
}
