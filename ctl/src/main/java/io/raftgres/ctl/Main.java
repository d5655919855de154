package io.raftgres.ctl;

/** The {@code raftgresctl} launcher's entry point. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(RaftgresCtl.run(Terminal.system(), args));
    }
}
