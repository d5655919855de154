package io.raftgres.vip;

import java.util.Objects;

/**
 * The outcome of one {@link CommandRunner#run}: the exit code and the tool's combined output, or
 * why there is no exit code (the tool could not be started, overran its timeout, or the caller
 * was interrupted). Immutable.
 *
 * @param exitCode the process exit code, or {@link #NO_EXIT_CODE} when it did not exit by itself
 * @param output   stdout and stderr interleaved, trimmed; for a tool that did not start, the reason
 * @param timedOut whether the tool was killed because it overran its timeout
 */
public record CommandResult(int exitCode, String output, boolean timedOut) {

    /** Exit code reported when the process did not exit on its own. */
    public static final int NO_EXIT_CODE = -1;

    public CommandResult {
        Objects.requireNonNull(output, "output");
        output = output.strip();
    }

    public static CommandResult exited(int exitCode, String output) {
        return new CommandResult(exitCode, output, false);
    }

    public static CommandResult failedToRun(String reason) {
        return new CommandResult(NO_EXIT_CODE, reason, false);
    }

    public static CommandResult timedOut(String partialOutput) {
        return new CommandResult(NO_EXIT_CODE, partialOutput, true);
    }

    /** Whether the tool ran to completion and exited 0. */
    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }

    /** One line for a log message: how it ended and what it said. */
    public String describe() {
        String ending = timedOut ? "timed out" : exitCode == NO_EXIT_CODE ? "did not run" : "exit " + exitCode;
        String said = output.isEmpty() ? "(no output)" : output.replace('\n', ' ');
        return ending + ": " + said;
    }
}
