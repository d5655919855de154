package io.raftgres.raft;

/**
 * A command could not be committed in time: no reachable leader, the total timeout passed,
 * the leader changed mid-request, or the node is closing. Expected during elections and
 * partitions; callers retry on a later cycle. The command's fate may be unknown: it can still
 * commit after this was reported, which is harmless because every command is fenced by its
 * term and validated at apply. A refusal by the leader or a rejection at apply is not an
 * exception but an {@link io.raftgres.statemachine.ApplyResult} that is not accepted.
 */
public final class SubmitException extends RuntimeException {

    public SubmitException(String message) {
        super(message);
    }

    public SubmitException(String message, Throwable cause) {
        super(message, cause);
    }
}
