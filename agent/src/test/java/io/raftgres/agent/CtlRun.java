package io.raftgres.agent;

import io.raftgres.ctl.Main;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Map;

/**
 * One real raftgresctl command line run in this JVM (its public {@link Main#run} entry), with
 * {@code stdin} as the answers to its prompts.
 */
record CtlRun(int exit, String out, String err) {

    static CtlRun of(String stdin, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new BufferedReader(new StringReader(stdin)), new PrintWriter(out, true),
                new PrintWriter(err, true), env, args);
        return new CtlRun(code, out.toString(), err.toString());
    }

    static CtlRun of(String... args) {
        return of("", Map.of(), args);
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
