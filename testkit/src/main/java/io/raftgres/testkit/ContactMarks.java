package io.raftgres.testkit;

import io.raftgres.statemachine.Command;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.OptionalLong;

/**
 * The model's mirror of the raft module's {@code LastContact}: for a {@link RaftNode}, per leader and term, its log's
 * last entry and when the node had it, for the last four leaders; the earliest contact a new leader can prove; and the
 * silent leader a campaign not started by the detector continues. The model marks at every accepted append, sooner
 * than the agent's 20 ms polls, so its contacts may be up to one poll earlier than the agent's ever are.
 *
 * <p>Threading: single-threaded; every method runs inside a scheduler event.
 */
final class ContactMarks {

    private static final int EPISODES = 4;

    private record Mark(String leader, long term, long millis, int index, long entryTerm) { }

    private final ArrayDeque<Mark> marks = new ArrayDeque<>();

    void clear() {
        marks.clear();
    }

    /** After accepting an append from {@code leader} in {@code term} at {@code nowMillis}, with {@code log} merged. */
    void mark(String leader, long term, long nowMillis, RaftLog log) {
        Mark newest = marks.peekLast();
        if (newest != null && newest.leader().equals(leader) && newest.term() == term) {
            marks.pollLast();
        }
        marks.addLast(new Mark(leader, term, nowMillis, log.length(), log.lastTerm()));
        while (marks.size() > EPISODES) {
            marks.pollFirst();
        }
    }

    /**
     * For a leader of {@code term} whose leader key {@code keyHolder} holds: the earliest mark whose log prefix is
     * unchanged in {@code log} and after which no lease heartbeat of the key's holder of an earlier term follows.
     */
    OptionalLong provenBefore(long term, String keyHolder, RaftLog log) {
        for (Mark m : marks) {
            if (m.index() > 0 && m.entryTerm() < term && log.length() >= m.index()
                    && log.termAt(m.index()) == m.entryTerm() && noHeartbeatAfter(log, m.index(), term, keyHolder)) {
                return OptionalLong.of(m.millis());
            }
        }
        return OptionalLong.empty();
    }

    /** The latest leader followed, heard within {@code recentMillis} of {@code nowMillis}, silent {@code silenceMillis}. */
    String silentLeader(long nowMillis, long silenceMillis, long recentMillis) {
        Iterator<Mark> newestFirst = marks.descendingIterator();
        while (newestFirst.hasNext()) {
            Mark m = newestFirst.next();
            long silent = nowMillis - m.millis();
            if (silent > recentMillis) {
                return null;
            }
            if (silent >= silenceMillis) {
                return m.leader();
            }
        }
        return null;
    }

    private static boolean noHeartbeatAfter(RaftLog log, int index, long term, String keyHolder) {
        for (int i = index + 1; i <= log.length() && log.termAt(i) < term; i++) {
            if (log.entry(i).command() instanceof Command.LeaseHeartbeat h && h.member().equals(keyHolder)) {
                return false;
            }
        }
        return true;
    }
}
