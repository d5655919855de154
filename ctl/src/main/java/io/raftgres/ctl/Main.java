package io.raftgres.ctl;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.util.Map;

/** The {@code raftgresctl} launcher's entry point. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(RaftgresCtl.run(Terminal.system(), args));
    }

    /**
     * Runs one command line in this JVM with the given stdin, stdout, stderr and environment,
     * and returns its exit code: what tests and embedding programs use instead of {@link #main}.
     */
    public static int run(BufferedReader in, PrintWriter out, PrintWriter err, Map<String, String> env,
                          String... args) {
        return RaftgresCtl.run(new Terminal(in, out, err, Map.copyOf(env)), args);
    }
}
