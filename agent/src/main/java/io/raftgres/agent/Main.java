package io.raftgres.agent;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The {@code raftgres} daemon's entry point.
 * <pre>
 *   raftgres -c FILE                 run one agent with this configuration
 *   raftgres --validate-config FILE  check a configuration, print every problem, exit non-zero if any
 *   raftgres --migrate-config FILE   print the raftgres.yml equivalent to a patroni.yml, then validate it
 *   raftgres --version | --help
 *   raftgres --aot-status            whether this JVM runs with the distribution's AOT cache (AotCacheNote)
 *   raftgres --aot-train DIR         the launcher's training run for the JDK's AOT cache (see AotTraining)
 * </pre>
 * Exit codes: 0 clean shutdown or valid config, 1 invalid config or fatal condition, 2 usage.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        io.raftgres.agent.logging.LogSetup.initial();
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            out.println("raftgres " + Agent.VERSION);
            return 0;
        }
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(usage());
            return 0;
        }
        if (args.length == 2 && args[0].equals("--validate-config")) {
            return io.raftgres.agent.config.ValidateConfigCommand.run(Path.of(args[1]), System.getenv(), out, err);
        }
        if (args.length == 2 && args[0].equals("--migrate-config")) {
            return io.raftgres.agent.config.MigrateConfigCommand.run(Path.of(args[1]), out, err);
        }
        if (args.length == 1 && args[0].equals("--aot-status")) {
            String note = AotCacheNote.describe(System.getProperty(AotCacheNote.PROPERTY),
                    System.getProperty("java.vm.info"));
            out.println(note == null ? "not started by the distribution's launcher (bin/raftgres)" : note);
            return 0;
        }
        if (args.length == 2 && args[0].equals("--aot-train")) {
            return AotTraining.run(Path.of(args[1]), err);
        }
        if (args.length == 2 && (args[0].equals("-c") || args[0].equals("--config"))) {
            return AgentLauncher.launch(Path.of(args[1]), System.getenv(), err);
        }
        err.println("raftgres: unrecognized arguments: " + String.join(" ", args));
        err.println(usage());
        return 2;
    }

    private static String usage() {
        return """
                usage: raftgres -c FILE                 run one agent
                       raftgres --validate-config FILE  check a configuration and list every problem
                       raftgres --migrate-config PATRONI_YML  print the equivalent raftgres.yml, each change commented
                       raftgres --aot-status                  whether this installation starts with an AOT cache
                       raftgres --version""";
    }
}
