package io.raftgres.ctl;

import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** A subcommand: reaches the members through the root command's settings and terminal. */
abstract class CtlCommand implements Callable<Integer> {

    @ParentCommand
    RaftgresCtl root;

    Terminal term() {
        return root.terminal;
    }

    RestClient client() {
        return root.client();
    }

    void println(String line) {
        term().out().println(line);
    }

    /** The database system identifier for a table's title, from any member's {@code /patroni}; else null. */
    String systemId() {
        Response r = client().any(client().seeds(), "/patroni");
        if (!r.success()) {
            return null;
        }
        Object id = Documents.object(r).get("database_system_identifier");
        return id == null ? null : id.toString();
    }
}
