package io.raftgres.raft;

import io.raftgres.statemachine.Command;
import io.raftgres.statemachine.CommandCodec;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.raftlog.RaftLogIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When this member last heard from the leaders of earlier terms, proven well enough that a new leader may count its
 * takeover delay from then instead of from its election (after a dead leader's silence, about 2 s earlier).
 *
 * <p><b>Marks.</b> Each leader silence poll (every 20 ms) that finds this member a follower with a known leader reads,
 * under the division's monitor, the log's last entry, and then the clock; a mark is that entry with the time of the
 * first poll that saw it ({@code contact}), one per leader and term (the latest), for the last {@link #EPISODES}
 * leaders. The entry was in the log at that poll, so it had reached this member by {@code contact}, and so had
 * every entry before it (rewriting an earlier index drops everything after it). This costs at most one poll interval
 * against the moment the entry arrived. (Ratis' own "last RPC" time would be tighter but is not monotonic: a
 * completing append may write back an older reading over a newer append's; found in review.)
 *
 * <p><b>The proof</b> ({@link #before}). Only the leader key's holder can run a writable primary (the lease guard
 * requires the key), and its lease rests on a committed {@code LeaseHeartbeat} of its own, sent at {@code s}. With
 * {@link AppendAckGuard} every acknowledgement was stored before its sender voted in a newer term, so Raft's leader
 * completeness holds and that heartbeat is in this member's log when it leads. If the log up to a mark's last entry is
 * unchanged (its term and index fix everything before it) and no heartbeat of the key holder of an earlier term
 * follows it, the heartbeat reached this member by the mark's {@code contact}, so {@code s <= contact}: the lease and
 * the old primary's fence end by {@code contact} plus the takeover delay, the same sum the delay from the election uses
 * with {@code s < e}. Entries other leaders wrote since (a leader that never held the key, which handed over) do not
 * matter. The earliest provable mark counts; without one the delay counts from the election, as before.
 */
final class LastContact {

    private static final Logger LOG = LoggerFactory.getLogger(LastContact.class);

    /** Leaders (with their terms) remembered: a failover passes through two or three. */
    static final int EPISODES = 4;
    /** Entries after a mark read at most; a longer tail proves nothing (a lagging member catching up). */
    static final int MAX_SCAN = 2000;

    /**
     * Every entry in the log up to {@code lastEntry} reached this member by {@code contactNanos} (monotonic clock);
     * taken while following {@code leader} (a Raft peer id) in {@code term}.
     */
    private record Mark(String leader, long term, long contactNanos, TermIndex lastEntry) { }

    private final String member;
    private final RaftServer.Division division;
    /** Oldest first; written by the poll thread only, read by others under its lock. */
    private final Deque<Mark> marks = new ArrayDeque<>();

    LastContact(String member, RaftServer.Division division) {
        this.member = member;
        this.division = division;
    }

    /**
     * Records what this poll sees while following {@code leader} in {@code term}. Call with the division's monitor
     * held; {@code now} is read after the log (so the log's last entry was there by then).
     */
    void mark(String leader, long term, java.util.function.LongSupplier now) {
        TermIndex last = division.getRaftLog().getLastEntryTermIndex();
        if (last == null) {
            return;
        }
        Mark m = new Mark(leader, term, now.getAsLong(), last);
        synchronized (marks) {
            Mark newest = marks.peekLast();
            if (newest != null && newest.leader().equals(leader) && newest.term() == term) {
                if (newest.lastEntry().equals(last)) {
                    return; // seen before: the first sighting bounds its arrival
                }
                marks.pollLast();
            }
            marks.addLast(m);
            while (marks.size() > EPISODES) {
                marks.pollFirst();
            }
        }
    }

    /**
     * For this member as leader of {@code term}, with {@code keyHolder} (a member name) holding the leader key: the
     * monotonic time (ns) of its earliest proven last contact as above; empty when no mark proves one.
     */
    OptionalLong before(long term, String keyHolder) {
        for (Mark m : snapshot()) {
            if (m.lastEntry().getTerm() < term && provesNoLaterHeartbeat(m, term, keyHolder)) {
                return OptionalLong.of(m.contactNanos());
            }
        }
        return OptionalLong.empty();
    }

    /**
     * The latest leader this member followed that had been silent for {@code silenceNanos} at {@code nowNanos}, heard
     * within {@code recentNanos}: the member whose silence started this failover when Ratis' own timer (rather than
     * the detector) started this member's campaign, or when the leader that campaign made handed over to this member.
     */
    Optional<String> silentLeader(long nowNanos, long silenceNanos, long recentNanos) {
        List<Mark> all = snapshot();
        for (int i = all.size() - 1; i >= 0; i--) {
            long silent = nowNanos - all.get(i).contactNanos();
            if (silent > recentNanos) {
                break;
            }
            if (silent >= silenceNanos) {
                return Optional.of(all.get(i).leader());
            }
        }
        return Optional.empty();
    }

    private List<Mark> snapshot() {
        synchronized (marks) {
            return List.copyOf(marks);
        }
    }

    private boolean provesNoLaterHeartbeat(Mark m, long term, String keyHolder) {
        RaftLog log = division.getRaftLog();
        long index = m.lastEntry().getIndex();
        if (!m.lastEntry().equals(log.getTermIndex(index))) {
            return false; // the log was truncated and rewritten past the mark, or purged
        }
        TermIndex last = log.getLastEntryTermIndex();
        long end = last == null ? index : Math.min(last.getIndex(), index + MAX_SCAN);
        for (long i = index + 1; i <= end; i++) {
            TermIndex at = log.getTermIndex(i);
            if (at == null) {
                return false;
            }
            if (at.getTerm() >= term) {
                return true; // this leader's own entries from here on
            }
            if (heartbeatOf(log, i, keyHolder)) {
                LOG.debug("{}: {} acknowledged a lease heartbeat at index {}, after my contact of {}", member,
                        keyHolder, i, m.lastEntry());
                return false;
            }
        }
        return end == (last == null ? index : last.getIndex());
    }

    /** Whether entry {@code index} is a lease heartbeat of {@code keyHolder}; true when it cannot tell. */
    private static boolean heartbeatOf(RaftLog log, long index, String keyHolder) {
        try {
            LogEntryProto entry = log.get(index);
            if (entry == null) {
                return true;
            }
            if (!entry.hasStateMachineLogEntry()) {
                return false; // configuration and metadata entries carry no lease
            }
            Command command = CommandCodec.decode(entry.getStateMachineLogEntry().getLogData().toByteArray());
            return command instanceof Command.LeaseHeartbeat h && h.member().equals(keyHolder);
        } catch (RaftLogIOException | RuntimeException e) {
            return true;
        }
    }
}
