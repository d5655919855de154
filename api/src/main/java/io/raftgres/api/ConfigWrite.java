package io.raftgres.api;

import io.raftgres.core.model.DynamicConfig;

/**
 * How a dynamic-config write ended, as the agent reports it to the API.
 *
 * @param outcome what happened
 * @param config  the committed configuration when {@link Outcome#APPLIED}, else null
 * @param message one sentence for the client (never contains a secret)
 */
public record ConfigWrite(Outcome outcome, DynamicConfig config, String message) {

    public enum Outcome {
        /** Committed through Raft; {@link #config()} holds the new version. */
        APPLIED,
        /** The compare-and-set version did not match: someone changed the config first (409). */
        CONFLICT,
        /** Not committed: no Raft leader, a timeout, or the command was refused (503). */
        UNAVAILABLE
    }

    public static ConfigWrite applied(DynamicConfig config) {
        return new ConfigWrite(Outcome.APPLIED, config, "configuration version " + config.version() + " committed");
    }

    public static ConfigWrite conflict(String message) {
        return new ConfigWrite(Outcome.CONFLICT, null, message);
    }

    public static ConfigWrite unavailable(String message) {
        return new ConfigWrite(Outcome.UNAVAILABLE, null, message);
    }
}
