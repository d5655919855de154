package io.raftgres.ha;

import java.util.concurrent.Executor;

/**
 * Where the {@link ActionExecutor} runs its long PostgreSQL operations, off the HA loop's thread
 * so the loop keeps deciding (and the lease guard keeps fencing) while one runs.
 */
@FunctionalInterface
public interface PgOperations {

    /** Runs {@code operation}'s {@link PgOperation#begin()} and, if it passed, its {@link PgOperation#finish()}. */
    void submit(PgOperation operation);

    /** The agent's: both phases back to back on {@code thread} (one thread: operations never overlap). */
    static PgOperations on(Executor thread) {
        return operation -> thread.execute(() -> {
            if (operation.begin()) {
                operation.finish();
            }
        });
    }
}
