package io.raftgres.pgcontrol;

import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.Lsn;

import java.util.HashMap;
import java.util.Map;

/**
 * The fields of {@code pg_controldata} output that the agent needs. Immutable.
 *
 * @param systemId            "Database system identifier", null when absent
 * @param state               "Database cluster state"
 * @param checkpointTimeline  "Latest checkpoint's TimeLineID", 0 when absent
 * @param checkpointLsn       "Latest checkpoint location", {@link Lsn#ZERO} when absent
 * @param minRecoveryTimeline "Min recovery ending loc's timeline", 0 when unset (a primary)
 * @param minRecoveryLsn      "Minimum recovery ending location", {@link Lsn#ZERO} when unset
 */
record ControlData(String systemId, ControlState state, long checkpointTimeline, Lsn checkpointLsn,
                   long minRecoveryTimeline, Lsn minRecoveryLsn) {

    static final ControlData NONE = new ControlData(null, ControlState.UNKNOWN, 0, Lsn.ZERO, 0, Lsn.ZERO);

    /**
     * The timeline a stopped data directory is on. A standby's last restartpoint can lag far behind what
     * it replayed (a restartpoint needs a checkpoint record from its upstream), so when the minimum
     * recovery point is set and on a later timeline, that one tells better.
     */
    long timeline() {
        return Math.max(checkpointTimeline, minRecoveryTimeline);
    }

    /** The furthest WAL position pg_control vouches for: the checkpoint, or the minimum recovery point. */
    Lsn position() {
        return minRecoveryLsn.isAfter(checkpointLsn) ? minRecoveryLsn : checkpointLsn;
    }

    /**
     * Parses pg_controldata's {@code key: value} lines (C locale). Unknown or malformed values become
     * the "absent" defaults rather than errors: a half-readable control file still yields what it has.
     */
    static ControlData parse(String output) {
        Map<String, String> fields = new HashMap<>();
        for (String line : output.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        String systemId = fields.get("Database system identifier");
        return new ControlData(systemId == null || systemId.isEmpty() ? null : systemId,
                ControlState.fromText(fields.get("Database cluster state")),
                parseLong(fields.get("Latest checkpoint's TimeLineID")),
                parseLsn(fields.get("Latest checkpoint location")),
                parseLong(fields.get("Min recovery ending loc's timeline")),
                parseLsn(fields.get("Minimum recovery ending location")));
    }

    private static long parseLong(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Lsn parseLsn(String text) {
        try {
            return text == null ? Lsn.ZERO : Lsn.parse(text);
        } catch (IllegalArgumentException e) {
            return Lsn.ZERO;
        }
    }
}
