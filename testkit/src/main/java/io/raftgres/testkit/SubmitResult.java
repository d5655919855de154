package io.raftgres.testkit;

/**
 * How a command submitted to the simulated Raft group ended: committed and accepted, committed
 * but rejected by the state machine, or refused before it was appended (not leader, transfer in
 * progress, leader-only command from another member).
 */
public record SubmitResult(boolean committed, boolean accepted, String message) {

    static SubmitResult ok() {
        return new SubmitResult(true, true, "committed");
    }

    static SubmitResult rejected(String why) {
        return new SubmitResult(true, false, why);
    }

    static SubmitResult refused(String why) {
        return new SubmitResult(false, false, why);
    }

    public boolean isSuccess() {
        return committed && accepted;
    }
}
