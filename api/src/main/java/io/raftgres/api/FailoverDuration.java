package io.raftgres.api;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.model.Switchover;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * How long the last automatic failover onto this member took, as this member saw it: from the
 * moment its Raft view first showed the old primary's leadership over (no leader, another leader,
 * or a term later than the old primary's leader key) to the moment its own PostgreSQL finished
 * the promotion and accepted writes. Failure detection comes before the start (Raft notices a
 * silent leader only after an election timeout); the duration covers the election, the takeover
 * wait and the promotion.
 *
 * <p>Measured only when this member followed a healthy primary before (it saw the key holder lead
 * Raft in the key's term): an agent that starts during an outage cannot say when it began.
 * Switchovers and manual failovers (a handed-over or operator-requested {@link Switchover} in the
 * state during the outage) are not automatic failovers; their promotion ends the outage without a
 * measurement ({@code raftgres_switchover_last_duration_seconds} times those requests).
 *
 * <p>Thread-safe: Raft views arrive on the store's listener thread, promotions on the PostgreSQL
 * worker thread. Times are milliseconds of one monotonic clock, passed in by the caller.
 */
final class FailoverDuration {

    private enum Phase {
        /** Not following a healthy primary of another member (at start, and after a promotion). */
        UNKNOWN,
        /** Following another member's primary, which leads Raft in its leader key's term. */
        FOLLOWING,
        /** The primary followed before lost its Raft leadership at {@link #lostAtMillis}. */
        LOST
    }

    private final String me;
    private Phase phase = Phase.UNKNOWN;  // guarded by this
    private long lostAtMillis;            // guarded by this
    private boolean planned;              // guarded by this
    private long lastMillis = -1;         // guarded by this

    /** @param me this member's name: a leader key naming it is its own promotion in progress */
    FailoverDuration(String me) {
        this.me = Objects.requireNonNull(me, "me");
    }

    /** Takes this member's Raft view and the replicated state seen at {@code nowMillis}; repeats are no-ops. */
    synchronized void observe(RaftView view, ClusterState state, long nowMillis) {
        LeaderRecord key = state.leader();
        if (key != null && me.equals(key.member())) {
            // My own claim: the outage ends with my promotion, which promoted() measures. Still
            // following means the loss went unseen (listener rounds coalesced): no start to measure from.
            if (phase == Phase.FOLLOWING) {
                phase = Phase.UNKNOWN;
            }
            planned |= phase == Phase.LOST && plannedIn(state);
            return;
        }
        boolean following = key != null && view.role() == RaftRole.FOLLOWER && view.term() == key.term()
                && key.member().equals(view.leaderId());
        if (following) {
            phase = Phase.FOLLOWING;
            planned = false;
        } else if (phase == Phase.FOLLOWING) {
            phase = Phase.LOST;
            lostAtMillis = nowMillis;
            planned = plannedIn(state);
        } else if (phase == Phase.LOST) {
            planned |= plannedIn(state);
        }
    }

    /**
     * This member's PostgreSQL finished a promotion at {@code nowMillis}: the failover's duration
     * in milliseconds when it was an automatic failover measured from its start, else empty.
     */
    synchronized OptionalLong promoted(long nowMillis) {
        boolean measured = phase == Phase.LOST && !planned;
        phase = Phase.UNKNOWN;
        if (!measured) {
            return OptionalLong.empty();
        }
        lastMillis = Math.max(0, nowMillis - lostAtMillis);
        return OptionalLong.of(lastMillis);
    }

    /** The last automatic failover's duration in seconds, NaN before the first. */
    synchronized double lastSeconds() {
        return lastMillis < 0 ? Double.NaN : lastMillis / 1000.0;
    }

    /** An operator's request drives this change of primary: a switchover's handover or a manual failover. */
    private static boolean plannedIn(ClusterState state) {
        Switchover s = state.switchover();
        return s != null && s.active() && (s.handover() != null || s.isFailover());
    }
}
