package io.raftgres.testkit;

import io.raftgres.core.model.Lsn;
import io.raftgres.core.spi.PostgresControlException;

import java.util.List;

/**
 * Timeline history arithmetic for {@link FakePostgres}. A history is the list of timelines a
 * data directory went through, oldest first; each {@link Segment} starts where the previous one
 * ended. Segments are equal only if created by the same promotion, so the same timeline number
 * reached twice on different branches does not look compatible.
 */
public final class WalHistory {

    /** One timeline: its number, the promotion that created it, and where it began. */
    public record Segment(long timeline, String branch, Lsn start) {
        @Override
        public String toString() {
            return "tl" + timeline + "@" + start + "(" + branch + ")";
        }
    }

    private WalHistory() {
    }

    /**
     * Whether a standby at {@code lsn} with {@code mine} can stream from a server with
     * {@code theirs} at {@code theirLsn}: my history must be a prefix of theirs and my position
     * must not lie past the point where their history left my last timeline.
     */
    public static boolean canStream(List<Segment> mine, Lsn lsn, List<Segment> theirs, Lsn theirLsn) {
        int k = mine.size();
        if (k == 0 || theirs.size() < k || !theirs.subList(0, k).equals(mine)) {
            return false;
        }
        Lsn end = theirs.size() > k ? theirs.get(k).start() : theirLsn;
        return lsn.compareTo(end) <= 0;
    }

    /**
     * Where my WAL left the source's history, or null when no rewind is needed (I can stream).
     * Throws if the histories share no timeline at all.
     */
    public static Lsn forkPoint(List<Segment> mine, Lsn lsn, List<Segment> theirs, Lsn theirLsn) {
        if (canStream(mine, lsn, theirs, theirLsn)) {
            return null;
        }
        int common = 0;
        while (common < mine.size() && common < theirs.size() && mine.get(common).equals(theirs.get(common))) {
            common++;
        }
        if (common == 0) {
            throw new PostgresControlException(
                    "pg_rewind: could not find common ancestor of the source and target cluster's timelines");
        }
        Lsn theirEnd = theirs.size() > common ? theirs.get(common).start() : theirLsn;
        Lsn myEnd = mine.size() > common ? mine.get(common).start() : lsn;
        return theirEnd.compareTo(myEnd) <= 0 ? theirEnd : myEnd;
    }
}
