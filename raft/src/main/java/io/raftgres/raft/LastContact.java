package io.raftgres.raft;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When this member last heard from the leaders of earlier terms, proven well enough that a new leader may count its
 * takeover delay from then instead of from its election (after a dead leader's silence, about 2 s earlier).
 *
 * <p><b>The mark.</b> Each leader silence poll that finds this member a follower with a known leader records, under the
 * division's monitor, Ratis' time of the follower's last RPC ({@code contact}) and the log's last entry. Ratis resets
 * that time under the same monitor whenever it accepts an append (and again when one completes, or on a vote, which
 * only makes it later), and puts the entries into the log after accepting them, so every entry in the log at the mark
 * reached this member by {@code contact}; entries this member wrote as an earlier leader, or before a restart, are
 * older than the follower's start, which is {@code contact}'s earliest value.
 *
 * <p><b>The proof</b> ({@link #before}). Take an old leader's lease: it rests on a heartbeat entry sent at {@code s},
 * committed, that is acknowledged by a majority. With {@link AppendAckGuard} every acknowledgement was stored before
 * its sender voted in a newer term, so Raft's leader completeness holds and the entry is in this member's log when it
 * becomes leader. If the log's entries of earlier terms are then exactly those it had at the mark (the mark's last
 * entry is still there and nothing of an earlier term follows it; an entry's term and index fix everything before it),
 * the heartbeat reached this member by {@code contact}, so {@code s <= contact}: the lease and the old primary's fence
 * end by {@code contact} plus the takeover delay, the same sum the delay from the election uses with {@code s < e}.
 * Otherwise (no mark, log changed, purged or empty) the delay counts from the election, as before.
 */
final class LastContact {

    private static final Logger LOG = LoggerFactory.getLogger(LastContact.class);

    /** Every entry in the log up to {@code lastEntry} reached this member by {@code contactNanos} (monotonic clock). */
    private record Mark(long contactNanos, TermIndex lastEntry) { }

    private final String member;
    private final RaftServer.Division division;
    private volatile Mark mark;

    LastContact(String member, RaftServer.Division division) {
        this.member = member;
        this.division = division;
    }

    /**
     * Records a mark. Call with the division's monitor held, having read {@code rpcElapsedMillis} (Ratis' whole
     * milliseconds since the follower's last RPC, rounded down) under it before reading {@code nowNanos}: the real
     * last RPC is then no later than {@code nowNanos - rpcElapsedMillis}.
     */
    void mark(long nowNanos, long rpcElapsedMillis) {
        TermIndex last = division.getRaftLog().getLastEntryTermIndex();
        mark = last == null ? null : new Mark(nowNanos - TimeUnit.MILLISECONDS.toNanos(rpcElapsedMillis), last);
    }

    /**
     * For this member as leader of {@code term}: the monotonic time (ns) of its last contact with earlier terms'
     * leaders, when the log proves it as above; empty otherwise.
     */
    OptionalLong before(long term) {
        Mark m = mark;
        if (m == null || m.lastEntry().getTerm() >= term) {
            return OptionalLong.empty();
        }
        RaftLog log = division.getRaftLog();
        long index = m.lastEntry().getIndex();
        TermIndex same = log.getTermIndex(index);
        TermIndex next = log.getTermIndex(index + 1);
        if (!m.lastEntry().equals(same) || next != null && next.getTerm() < term) {
            LOG.info("{}: my log changed since my last contact with the old leader (then {}, now {} and {}): the"
                    + " takeover delay counts from the election", member, m.lastEntry(), same, next);
            return OptionalLong.empty();
        }
        return OptionalLong.of(m.contactNanos());
    }
}
