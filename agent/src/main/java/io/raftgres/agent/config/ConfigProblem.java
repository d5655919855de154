package io.raftgres.agent.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration, as shown to the operator.
 *
 * <p>{@code file} names where the value came from: the configuration file as given on the
 * command line, or {@code environment} for a {@code RAFTGRES_*} variable that maps to no
 * setting. {@code key} is the dotted path of the setting ({@code raft.partner_addrs[1]}),
 * the variable name for environment problems, or empty when the whole file is at fault
 * (unreadable, not YAML). {@code reason} is one line, never contains a password, and says
 * what is expected.
 *
 * @param file   where the value came from
 * @param key    dotted path of the setting, or empty for a whole-file problem
 * @param reason one human line: what is wrong and what is expected
 */
public record ConfigProblem(String file, String key, String reason) {

    public ConfigProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(reason, "reason");
    }

    /** The line printed by {@code --validate-config}: {@code FILE: key: reason}, or {@code FILE: reason}. */
    public String toLine() {
        return key.isEmpty() ? file + ": " + reason : file + ": " + key + ": " + reason;
    }

    @Override
    public String toString() {
        return toLine();
    }
}
