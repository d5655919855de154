package io.raftgres.statemachine;

import io.raftgres.core.model.ClusterState;

/**
 * The outcome of applying one command: the next state (unchanged when rejected) and, for a
 * rejection, one sentence saying why. Rejections are deterministic facts, not errors.
 */
public record ApplyResult(ClusterState state, boolean accepted, String rejection) {

    static ApplyResult accepted(ClusterState next) {
        return new ApplyResult(next, true, null);
    }

    static ApplyResult rejected(ClusterState unchanged, String why) {
        return new ApplyResult(unchanged, false, why);
    }
}
