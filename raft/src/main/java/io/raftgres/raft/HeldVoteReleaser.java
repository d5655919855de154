package io.raftgres.raft;

import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a member answer a vote request of a newer term at once when its own election was shut down, instead of
 * when that election's round times out.
 *
 * <p><b>Why.</b> Ratis 3.3.0's {@code RaftServerImpl.requestVote} handles a vote request of a newer term by
 * making the member a follower, which shuts down its own {@code LeaderElection}, and then joins that election's
 * end before it replies. The election thread notices the shutdown only when a vote reply arrives or its round
 * times out (2.0-2.5 s): a dead peer never replies. In the container suite's kill scenario the preferred
 * survivor's pre-vote was refused by the other (whose Raft log held one more entry) and waited for the dead
 * primary; the other survivor then campaigned, and its vote request waited 1.5 s for that answer.
 * {@code docs/ratis-deadline-election.md} §5 proposes the upstream change (interrupt the thread on shutdown).
 *
 * <p><b>What it does.</b> Polled by the detector's thread while it holds the division's monitor: while this
 * member is a candidate it remembers the election's thread and life cycle; once it is a follower again and
 * that election is closing, it interrupts the thread, once. The thread is then waiting for vote replies
 * outside the monitor (a role change needs the monitor, and every later step of the election re-checks the
 * role under it and returns), so the interrupt ends the wait and nothing else: Ratis' election catches it,
 * sees itself closing and ends, and the held reply goes out. Never while this member is leader (a winning
 * election ends by itself).
 *
 * <p>It reaches Ratis through reflection ({@code RaftServerImpl.role}, {@code RoleInfo.leaderElection},
 * {@code LeaderElection.daemon} and {@code lifeCycle}); if any is missing it says so once and does nothing.
 * Poll thread only.
 */
final class HeldVoteReleaser {

    private static final Logger LOG = LoggerFactory.getLogger(HeldVoteReleaser.class);

    private final String member;
    private final AtomicReference<?> elections;
    private final Field daemon;
    private final Field lifeCycle;
    /** The election seen while this member was a candidate, or null. */
    private Object election;

    HeldVoteReleaser(String member, RaftServer.Division division) {
        this.member = member;
        AtomicReference<?> found = null;
        Field daemonField = null;
        Field lifeCycleField = null;
        try {
            Object role = field(division.getClass(), "role").get(division);
            found = (AtomicReference<?>) field(role.getClass(), "leaderElection").get(role);
            Class<?> electionClass = Class.forName("org.apache.ratis.server.impl.LeaderElection");
            daemonField = field(electionClass, "daemon");
            lifeCycleField = field(electionClass, "lifeCycle");
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("{}: this Ratis version does not expose its election thread as 3.3.0 does ({}); a vote request of"
                    + " a newer term may wait for this member's own election round to time out", member, e.toString());
            found = null;
        }
        this.elections = found;
        this.daemon = daemonField;
        this.lifeCycle = lifeCycleField;
    }

    /**
     * One poll, with the division's monitor held.
     *
     * @return whether it interrupted an election thread
     */
    boolean poll(boolean candidate, boolean follower) {
        if (elections == null) {
            return false;
        }
        try {
            if (candidate) {
                Object current = elections.get();
                if (current != null) {
                    election = current;
                }
                return false;
            }
            Object seen = election;
            election = null;
            if (!follower || seen == null) {
                return false;
            }
            Thread thread = (Thread) daemon.get(seen);
            LifeCycle.State state = ((LifeCycle) lifeCycle.get(seen)).getCurrentState();
            if (thread == null || !thread.isAlive() || !state.isClosingOrClosed()) {
                return false;
            }
            thread.interrupt();
            LOG.info("{}: this member's own election was shut down (a vote request of a newer term, or a leader's"
                    + " append); ending its wait for vote replies so that the request is answered now", member);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("{}: could not look at the election thread", member, e);
            return false;
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
