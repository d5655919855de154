package io.raftgres.it;

import java.util.List;
import java.util.Locale;

/**
 * What a lossy network did to one member, counted from its logs so that nothing is missed between two
 * samples: PostgreSQL starts (each start writes "ready to accept connections" to the server log, which
 * {@code pg_ctl -l} appends to), the agent's fences ("fenced: lease lost") and its gated lapses (a lapse the
 * lease gate held, "the lease gate holds every commit"; "lease back in term" when it ended with no restart).
 * Take one before the fault and one after, and report {@link #minus}.
 */
record LossyNetworkStats(int postmasterStarts, int fences, int gatedLapses, int leaseBack) {

    static LossyNetworkStats of(Node node) {
        String starts = node.sh("grep -c 'ready to accept' " + AgentConfig.PG_LOG_PATH + " || true").strip();
        List<String> agent = node.logs().lines().toList();
        return new LossyNetworkStats(starts.isEmpty() ? 0 : Integer.parseInt(starts),
                count(agent, "fenced: lease lost"), count(agent, "the lease gate holds every commit; PostgreSQL keeps"),
                count(agent, "lease back in term"));
    }

    LossyNetworkStats minus(LossyNetworkStats before) {
        return new LossyNetworkStats(postmasterStarts - before.postmasterStarts, fences - before.fences,
                gatedLapses - before.gatedLapses, leaseBack - before.leaseBack);
    }

    /**
     * The sum of the gaps of at least {@code minMillis} between consecutive acknowledged writes whose
     * acknowledgements came within [{@code fromMillis}, {@code toMillis}], counting from {@code fromMillis} and
     * up to {@code toMillis}: the time the writer could not write, in pieces long enough to notice.
     */
    static long sumOfGapsMillis(WriteLog log, long fromMillis, long toMillis, long minMillis) {
        long previous = fromMillis;
        long sum = 0;
        for (WriteLog.Attempt a : log.attempts()) {
            if (!a.acknowledged() || a.endMillis() < fromMillis || a.endMillis() > toMillis) {
                continue;
            }
            long gap = a.endMillis() - previous;
            sum += gap >= minMillis ? gap : 0;
            previous = Math.max(previous, a.endMillis());
        }
        long tail = toMillis - previous;
        return sum + (tail >= minMillis ? tail : 0);
    }

    private static int count(List<String> lines, String text) {
        return (int) lines.stream().filter(l -> l.contains(text)).count();
    }

    /** For the report's notes. */
    String describe(String member) {
        return String.format(Locale.ROOT, "%s: %d PostgreSQL start(s), %d fence(s), %d gated lapse(s) (%d ended by the"
                + " lease's return)", member, postmasterStarts, fences, gatedLapses, leaseBack);
    }
}
