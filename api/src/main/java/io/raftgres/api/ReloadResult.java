package io.raftgres.api;

import java.util.List;

/**
 * How {@code POST /reload} ended.
 *
 * @param valid          the file loaded and every part took its change (else nothing changed)
 * @param applied        keys now in effect without an agent restart
 * @param restartNeeded  keys that differ from what the agent started with and take effect only
 *                       at its next start
 * @param message        one text for the client; never contains a secret
 */
public record ReloadResult(boolean valid, List<String> applied, List<String> restartNeeded, String message) {

    public ReloadResult {
        applied = List.copyOf(applied);
        restartNeeded = List.copyOf(restartNeeded);
    }

    public static ReloadResult invalid(String message) {
        return new ReloadResult(false, List.of(), List.of(), message);
    }

    public static ReloadResult of(List<String> applied, List<String> restartNeeded) {
        String text = (applied.isEmpty() ? "nothing to apply" : "applied: " + String.join(", ", applied))
                + (restartNeeded.isEmpty() ? "" : "; needs an agent restart to take effect: "
                + String.join(", ", restartNeeded));
        return new ReloadResult(true, applied, restartNeeded, text);
    }

    /** Nothing changed at all: Patroni's 200 (a change is its 202). */
    public boolean unchanged() {
        return valid && applied.isEmpty() && restartNeeded.isEmpty();
    }
}
