package io.raftgres.testkit;

import io.raftgres.core.model.Activity;
import io.raftgres.ha.PgOperation;
import io.raftgres.ha.PgOperations;
import io.raftgres.ha.Scheduler;

import java.util.function.Consumer;

/**
 * The agent's PostgreSQL thread in simulated time: an operation's check runs at once, the
 * operation itself (its call on {@link SimHost}'s PostgreSQL, which takes effect at once) after
 * its duration from {@link AgentTiming}. So a start or a promotion is checked against the lease
 * when it begins and makes PostgreSQL writable only when it ends, and a fence in between meets
 * the same state as in the agent. Runs on the agent process's {@link Scheduler}, so nothing of a
 * dead process ends.
 */
final class SimPgOperations implements PgOperations {

    private final Scheduler process;
    private final AgentTiming timing;
    private final Consumer<String> begun;

    /** @param begun told the activity of each operation handed over (the paused cluster's invariant) */
    SimPgOperations(Scheduler process, AgentTiming timing, Consumer<String> begun) {
        this.process = process;
        this.timing = timing;
        this.begun = begun;
    }

    @Override
    public void submit(PgOperation operation) {
        begun.accept(operation.activity().name());
        if (operation.begin()) {
            process.schedule(durationMillis(operation.activity()), operation::finish);
        }
    }

    private long durationMillis(Activity activity) {
        return switch (activity) {
            case INITDB -> timing.initdbMillis();
            case CLONING -> timing.cloneMillis();
            case STARTING -> timing.startMillis();
            case PROMOTING -> timing.promoteMillis();
            case STOPPING -> timing.stopFastMillis();
            case REWINDING -> timing.rewindMillis();
            case REMOVING_DATA -> timing.removeDataMillis();
            default -> throw new IllegalArgumentException("no simulated duration for " + activity);
        };
    }
}
