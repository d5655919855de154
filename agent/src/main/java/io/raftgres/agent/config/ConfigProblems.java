package io.raftgres.agent.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the problems of one configuration load. Readers add to it and carry on, so one
 * pass reports everything. When a setting's value came from an environment variable, its
 * problems name that variable: the operator would otherwise look in the file in vain.
 *
 * <p>Not thread-safe; one instance per {@link ConfigLoader#load} call.
 */
final class ConfigProblems {
    static final String ENVIRONMENT = "environment";

    private final String file;
    private final Map<String, String> environmentSources = new LinkedHashMap<>();
    private final List<ConfigProblem> problems = new ArrayList<>();

    ConfigProblems(String file) {
        this.file = file;
    }

    /** Records that the value at dotted {@code key} was set by environment {@code variable}. */
    void recordEnvironmentSource(String key, String variable) {
        environmentSources.put(key, variable);
    }

    void add(String key, String reason) {
        problems.add(new ConfigProblem(file, key, reason + sourceNote(key)));
    }

    void addFileProblem(String reason) {
        problems.add(new ConfigProblem(file, "", reason));
    }

    void addEnvironmentProblem(String variable, String reason) {
        problems.add(new ConfigProblem(ENVIRONMENT, variable, reason));
    }

    int count() {
        return problems.size();
    }

    List<ConfigProblem> all() {
        return List.copyOf(problems);
    }

    private String sourceNote(String key) {
        for (Map.Entry<String, String> source : environmentSources.entrySet()) {
            String set = source.getKey();
            if (key.equals(set) || key.startsWith(set + ".") || key.startsWith(set + "[")) {
                return " (value from environment variable " + source.getValue() + ")";
            }
        }
        return "";
    }
}
