package io.raftgres.core.sync;

import io.raftgres.core.model.SyncState;

import java.util.Optional;

/**
 * The planner's decision for one cycle: at most one change, applied by the agent in this order.
 *
 * @param reason   the branch that decided
 * @param sentence one sentence for the log and {@code /patroni}
 * @param apply    a new synchronous_standby_names for PostgreSQL, else empty
 * @param publish  a new published state (its value may be null: remove it), else empty
 * @param async    commits are asynchronous because no standby is eligible (non-strict fallback)
 */
public record SyncStep(SyncReason reason, String sentence, Optional<StandbyNames> apply,
                       Optional<Publication> publish, boolean async) {

    /** A state to publish; {@code state} null removes the published state. */
    public record Publication(SyncState state) { }

    static SyncStep none(SyncReason reason, String sentence) {
        return new SyncStep(reason, sentence, Optional.empty(), Optional.empty(), false);
    }

    static SyncStep apply(SyncReason reason, String sentence, StandbyNames names) {
        return new SyncStep(reason, sentence, Optional.of(names), Optional.empty(), false);
    }

    static SyncStep publish(SyncReason reason, String sentence, SyncState state) {
        return new SyncStep(reason, sentence, Optional.empty(), Optional.of(new Publication(state)), false);
    }

    SyncStep asAsync() {
        return new SyncStep(reason, sentence, apply, publish, true);
    }
}
