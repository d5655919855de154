package io.raftgres.ctl;

/**
 * A failure the command reports as one line on stderr, with the process exit code it ends with.
 * The message names what went wrong (the member's URL, the HTTP status and the server's reason)
 * and never holds a secret.
 */
final class CtlException extends RuntimeException {

    private final int exitCode;

    CtlException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    static CtlException usage(String message) {
        return new CtlException(ExitCodes.USAGE, message);
    }

    static CtlException failed(String message) {
        return new CtlException(ExitCodes.FAILED, message);
    }

    static CtlException aborted() {
        return new CtlException(ExitCodes.FAILED, "Aborted!");
    }
}
