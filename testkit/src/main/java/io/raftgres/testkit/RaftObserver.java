package io.raftgres.testkit;

import io.raftgres.core.model.ClusterState;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;

/**
 * Callbacks from the simulated Raft group to the rest of the simulation. Called synchronously
 * from inside Raft events; implementations must not call back into Raft re-entrantly in a way
 * that changes its state (reading views is fine).
 */
public interface RaftObserver {

    /** Something about {@code node}'s Raft view or committed state may have changed. */
    void raftChanged(String node);

    /** {@code leader} appended {@code command}; {@code before} is the state it was applied to. */
    default void commandAppended(String leader, Command command, ClusterState before, ApplyResult result) {
    }

    RaftObserver NONE = node -> { };
}
