package io.raftgres.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes that members accepted when written to directly, and the split-brain verdict drawn
 * from them. Pure and immutable; unit-tested without Docker.
 *
 * <p>A member's accepted write committed at some instant between its send time and its
 * acknowledgement. Within one phase, members X and Y provably accepted writes in overlapping
 * windows when a Y write was acknowledged before an X write was sent <em>and</em> an X write
 * was acknowledged before a Y write was sent: the windows [first, last] of X and Y then
 * intersect whatever the network delays were. A legitimate hand-back to a former primary
 * (X, then Y, then X again) looks the same, so scenarios that expect one start a new phase.
 *
 * @param records every accepted write, in any order
 */
public record Acceptances(List<Accepted> records) {

    /**
     * One write a member accepted.
     *
     * @param member      the member written to
     * @param phase       the detector's phase when it was sent
     * @param sentMillis  scenario time the INSERT was sent
     * @param ackedMillis scenario time its commit was acknowledged
     */
    public record Accepted(String member, int phase, long sentMillis, long ackedMillis) {
    }

    /**
     * Two members accepting writes in overlapping windows.
     *
     * @param phase      the phase it happened in
     * @param first      one member
     * @param second     the other member
     * @param fromMillis start of the provable overlap (scenario time, approximate)
     * @param toMillis   end of the provable overlap
     */
    public record Overlap(int phase, String first, String second, long fromMillis, long toMillis) {
        @Override
        public String toString() {
            return first + " and " + second + " both accepted writes between " + fromMillis + " ms and " + toMillis
                    + " ms (phase " + phase + ")";
        }
    }

    public Acceptances {
        records = List.copyOf(records);
    }

    /** Every provable overlap, for every phase and pair of members. Empty means no split brain. */
    public List<Overlap> overlaps() {
        List<Overlap> overlaps = new ArrayList<>();
        for (int phase : phases()) {
            Map<String, long[]> windows = windows(phase);
            List<String> members = new ArrayList<>(windows.keySet());
            for (int i = 0; i < members.size(); i++) {
                for (int j = i + 1; j < members.size(); j++) {
                    long[] x = windows.get(members.get(i));
                    long[] y = windows.get(members.get(j));
                    // x/y = {min acked, max sent}
                    if (y[0] < x[1] && x[0] < y[1]) {
                        overlaps.add(new Overlap(phase, members.get(i), members.get(j),
                                Math.max(x[0], y[0]), Math.min(x[1], y[1])));
                    }
                }
            }
        }
        return List.copyOf(overlaps);
    }

    public boolean splitBrain() {
        return !overlaps().isEmpty();
    }

    /**
     * How often the member accepting writes changed, in time order of acknowledgement
     * (across phases): a rough count of leader changes seen from the clients' side.
     */
    public int writerChanges() {
        List<Accepted> sorted = new ArrayList<>(records);
        sorted.sort((a, b) -> Long.compare(a.ackedMillis(), b.ackedMillis()));
        int changes = 0;
        String current = null;
        for (Accepted a : sorted) {
            if (current != null && !current.equals(a.member())) {
                changes++;
            }
            current = a.member();
        }
        return changes;
    }

    /** When {@code member}'s first accepted write was acknowledged, or -1 when none was. */
    public long firstAckMillis(String member) {
        return records.stream().filter(r -> r.member().equals(member)).mapToLong(Accepted::ackedMillis).min()
                .orElse(-1);
    }

    /** When {@code member}'s last accepted write was acknowledged, or -1 when none was. */
    public long lastAckMillis(String member) {
        return records.stream().filter(r -> r.member().equals(member)).mapToLong(Accepted::ackedMillis).max()
                .orElse(-1);
    }

    /** Members that accepted at least one write, in name order. */
    public List<String> acceptingMembers() {
        return List.copyOf(new TreeSet<>(records.stream().map(Accepted::member).toList()));
    }

    private TreeSet<Integer> phases() {
        return new TreeSet<>(records.stream().map(Accepted::phase).toList());
    }

    /** Per member of the phase: {earliest acknowledgement, latest send}. */
    private Map<String, long[]> windows(int phase) {
        Map<String, long[]> windows = new LinkedHashMap<>();
        records.stream().filter(r -> r.phase() == phase)
                .sorted((a, b) -> a.member().compareTo(b.member()))
                .forEach(r -> windows.merge(r.member(), new long[] {r.ackedMillis(), r.sentMillis()},
                        (w, n) -> new long[] {Math.min(w[0], n[0]), Math.max(w[1], n[1])}));
        return windows;
    }
}
