package io.raftgres.agent.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by {@link ConfigLoader} when a configuration cannot be used. It carries every
 * problem found in one pass, so an operator fixes them all at once instead of one per
 * restart. The message is one line per problem, formatted by {@link ConfigProblem#toLine()}.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<ConfigProblem> problems;

    /** @param problems at least one problem, in the order they were found */
    public ConfigException(List<ConfigProblem> problems) {
        super(render(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in the order they were found. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::toLine).collect(Collectors.joining("\n"));
    }
}
