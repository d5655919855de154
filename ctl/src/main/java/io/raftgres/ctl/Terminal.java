package io.raftgres.ctl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The CLI's outside world: stdin for prompts, stdout, stderr and the environment. Tests pass
 * their own streams and environment; {@link #system()} is the process's.
 */
record Terminal(BufferedReader in, PrintWriter out, PrintWriter err, Map<String, String> env) {

    static Terminal system() {
        return new Terminal(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8), System.getenv());
    }

    /**
     * Asks {@code question [default]: } and returns the line typed, or {@code def} for an empty
     * line. End of input aborts: a script that runs out of answers must not get defaults.
     */
    String prompt(String question, String def) {
        String line = ask(question + " [" + (def == null ? "" : def) + "]: ");
        line = line.strip();
        return line.isEmpty() ? def : line;
    }

    /** Asks a yes/no question whose default is no; anything but y/yes is a no. */
    boolean confirm(String question) {
        String answer = ask(question + " [y/N]: ").strip();
        return answer.equalsIgnoreCase("y") || answer.equalsIgnoreCase("yes");
    }

    private String ask(String text) {
        out.print(text);
        out.flush();
        String line = readLine();
        if (line == null) {
            out.println();
            throw CtlException.aborted();
        }
        return line;
    }

    /** {@link #confirm} unless {@code force}; a no aborts. */
    void confirmOrAbort(boolean force, String question) {
        if (!force && !confirm(question)) {
            throw CtlException.aborted();
        }
    }

    private String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
