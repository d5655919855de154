package io.raftgres.ctl;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Map;

/** One CLI run in this JVM with scripted stdin; its exit code, stdout and stderr. */
record Run(int exit, String out, String err) {

    static Run of(String stdin, String... args) {
        return of(stdin, Map.of(), args);
    }

    static Run of(String stdin, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RaftgresCtl.run(new Terminal(new BufferedReader(new StringReader(stdin)), new PrintWriter(out, true),
                new PrintWriter(err, true), env), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
