package io.raftgres.core.model;

import java.util.EnumMap;
import java.util.Map;

/**
 * The agent's count of background operations that failed in a row, for back-off and for giving up a
 * bootstrap. A count survives other operations in between (initdb failed, the data directory was
 * removed, initdb failed again: two) and is reset when that operation succeeds or the agent restarts.
 * Immutable; the "with" methods return new values.
 *
 * @param consecutive  failures in a row, by operation (absent: none)
 * @param last         the operation that failed most recently, NONE when none did
 * @param lastAtMillis agent clock (ms) when {@code last} failed, -1 when none did
 * @param lastReason   one line on why {@code last} failed, else null
 */
public record Failures(Map<Activity, Integer> consecutive, Activity last, long lastAtMillis, String lastReason) {

    public static final Failures NONE = new Failures(Map.of(), Activity.NONE, -1, null);

    public Failures {
        consecutive = Map.copyOf(consecutive);
    }

    public int count(Activity activity) {
        return consecutive.getOrDefault(activity, 0);
    }

    /** {@code activity} failed (again) at {@code nowMillis}; {@code why} may span lines (a server log excerpt). */
    public Failures failed(Activity activity, long nowMillis, String why) {
        Map<Activity, Integer> next = new EnumMap<>(Activity.class);
        next.putAll(consecutive);
        next.merge(activity, 1, Integer::sum);
        return new Failures(next, activity, nowMillis, oneLine(why));
    }

    /**
     * {@code activity} succeeded: its count ends. An operation that rewrote the data directory
     * (initdb, clone, pg_rewind) also ends the count of failed starts: the next start runs on
     * other data, so it is a first try, not a repeat of the failure the back-off holds off.
     */
    public Failures succeeded(Activity activity) {
        boolean rewrote = activity == Activity.INITDB || activity == Activity.CLONING || activity == Activity.REWINDING;
        Failures result = without(activity);
        return rewrote ? result.without(Activity.STARTING) : result;
    }

    private Failures without(Activity activity) {
        if (!consecutive.containsKey(activity)) {
            return this;
        }
        Map<Activity, Integer> next = new EnumMap<>(Activity.class);
        next.putAll(consecutive);
        next.remove(activity);
        return last == activity ? new Failures(next, Activity.NONE, -1, null) : new Failures(next, last, lastAtMillis,
                lastReason);
    }

    /**
     * A failure message in one line for the HA log: its first line, and PostgreSQL's last FATAL or ERROR
     * line from a server log excerpt when it has one (that line usually names the cause).
     */
    static String oneLine(String why) {
        if (why == null || why.isBlank()) {
            return why;
        }
        String[] lines = why.strip().split("\n");
        String first = lines[0].strip();
        for (int i = lines.length - 1; i > 0; i--) {
            int at = Math.max(lines[i].indexOf("FATAL:"), lines[i].indexOf("ERROR:"));
            if (at >= 0) {
                return first + " ... " + lines[i].substring(at).replaceAll("\\s+", " ").strip();
            }
        }
        return first;
    }
}
