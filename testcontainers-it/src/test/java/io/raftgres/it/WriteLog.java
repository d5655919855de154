package io.raftgres.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the {@link Writer} attempted, per id: acknowledged or not, and when. Appended by the
 * writer thread, read by the test thread (synchronized). Ids are attempted once each, in
 * increasing order; an unacknowledged id may still have committed (the outcome is unknown),
 * so only acknowledged ids are owed.
 */
public final class WriteLog {

    /**
     * One attempt.
     *
     * @param id           the id written
     * @param startMillis  when the INSERT was sent (scenario time)
     * @param endMillis    when the acknowledgement or the failure arrived
     * @param acknowledged whether the commit was acknowledged
     * @param server       member the connection reached (n1, ...), or null when unknown
     * @param error        the failure, or null when acknowledged
     */
    public record Attempt(long id, long startMillis, long endMillis, boolean acknowledged, String server,
                          String error) {
    }

    private final List<Attempt> attempts = new ArrayList<>();

    synchronized void add(Attempt attempt) {
        attempts.add(attempt);
    }

    public synchronized List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    public synchronized Set<Long> acknowledgedIds() {
        Set<Long> ids = new TreeSet<>();
        for (Attempt a : attempts) {
            if (a.acknowledged()) {
                ids.add(a.id());
            }
        }
        return ids;
    }

    public synchronized int acknowledgedCount() {
        return (int) attempts.stream().filter(Attempt::acknowledged).count();
    }

    /** When the first acknowledgement from member {@code server} arrived, or -1 when none did. */
    public synchronized long firstAckMillisFrom(String server) {
        return attempts.stream().filter(a -> a.acknowledged() && server.equals(a.server()))
                .mapToLong(Attempt::endMillis).min().orElse(-1);
    }

    /** When the last acknowledgement from member {@code server} arrived, or -1 when none did. */
    public synchronized long lastAckMillisFrom(String server) {
        return attempts.stream().filter(a -> a.acknowledged() && server.equals(a.server()))
                .mapToLong(Attempt::endMillis).max().orElse(-1);
    }

    /** The attempts with the given ids (for reporting lost writes with their server and time). */
    public synchronized List<Attempt> attemptsOf(Set<Long> ids) {
        return attempts.stream().filter(a -> ids.contains(a.id())).toList();
    }

    /** When the last acknowledgement arrived, or -1 when none did. */
    public synchronized long lastAckMillis() {
        return attempts.stream().filter(Attempt::acknowledged).mapToLong(Attempt::endMillis).max().orElse(-1);
    }

    /**
     * The write-unavailability window: the longest time without an acknowledgement between
     * {@code fromMillis} and {@code toMillis} (scenario time), counting the stretch from
     * {@code fromMillis} to the first acknowledgement and from the last one to {@code toMillis}.
     */
    public synchronized long longestAckGapMillis(long fromMillis, long toMillis) {
        long previous = fromMillis;
        long longest = 0;
        for (Attempt a : attempts) {
            if (!a.acknowledged() || a.endMillis() < fromMillis || a.endMillis() > toMillis) {
                continue;
            }
            longest = Math.max(longest, a.endMillis() - previous);
            previous = a.endMillis();
        }
        return Math.max(longest, toMillis - previous);
    }
}
