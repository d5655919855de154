package io.raftgres.it;

import java.util.List;

/**
 * What the {@link Checker} found after a scenario. Immutable.
 *
 * @param acknowledged          ids the writer saw acknowledged
 * @param lost                  acknowledged ids missing on the final primary, ascending
 * @param unacknowledgedPresent ids whose commit was not acknowledged but that did commit (allowed)
 * @param overlaps              members that accepted writes in overlapping windows (split brain)
 */
public record CheckResult(int acknowledged, List<Long> lost, int unacknowledgedPresent,
                          List<Acceptances.Overlap> overlaps) {

    public CheckResult {
        lost = List.copyOf(lost);
        overlaps = List.copyOf(overlaps);
    }

    public int lostCount() {
        return lost.size();
    }

    public boolean splitBrain() {
        return !overlaps.isEmpty();
    }

    /** At most the first 20 ids, for messages and the report. */
    public static String abbreviated(List<Long> ids) {
        return ids.size() <= 20 ? ids.toString() : ids.subList(0, 20) + " and " + (ids.size() - 20) + " more";
    }

    @Override
    public String toString() {
        return "acknowledged=" + acknowledged + " lost=" + lost.size() + (lost.isEmpty() ? "" : " " + abbreviated(lost))
                + " unacknowledgedPresent=" + unacknowledgedPresent + " splitBrain=" + overlaps;
    }
}
