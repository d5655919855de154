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
}
