package io.raftgres.agent.config;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code raftgres --validate-config FILE}: loads the file exactly as the daemon would
 * (environment overrides included) and reports the outcome. Called by {@code main}, which
 * exits with the returned code.
 */
public final class ValidateConfigCommand {
    /** Exit code when the configuration is usable. */
    public static final int VALID = 0;
    /** Exit code when at least one problem was found. */
    public static final int INVALID = 1;

    private ValidateConfigCommand() {
    }

    /**
     * Prints {@code FILE: configuration is valid} to {@code out}, or every problem on its own
     * line to {@code err}.
     *
     * @return {@link #VALID} or {@link #INVALID}
     */
    public static int run(Path file, Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            ConfigLoader.loadForThisHost(file, env);
            out.println(file + ": configuration is valid");
            return VALID;
        } catch (ConfigException e) {
            e.problems().forEach(problem -> err.println(problem.toLine()));
            return INVALID;
        }
    }
}
