package io.raftgres.core.decide;

import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.RaftView;

/**
 * The member-local settings the decider needs (cluster-wide settings come from the replicated
 * {@link io.raftgres.core.model.DynamicConfig}).
 *
 * @param memberName                        this member
 * @param canBootstrap                      the member's config has a bootstrap section
 * @param tags                              this member's tags
 * @param removeDataDirectoryOnRewindFailure re-clone when pg_rewind fails
 * @param removeDataDirectoryOnDivergedTimelines re-clone a diverged member when rewind is off
 * @param watchdogFailed                    watchdog required but unusable: never become primary
 * @param freshnessWaitMillis               how long a new Raft leader waits for the other
 *                                          members to publish state in its term before it
 *                                          chooses among those that did
 * @param takeoverDelayMillis               how long a new Raft leader waits after its election
 *                                          before it takes the leader key from another member:
 *                                          the old leader's lease plus its check interval, fence
 *                                          time and clock drift (raft module's RaftLease), which
 *                                          covers a vote granted while the old lease still ran
 * @param memberCount                       the Raft group's size; the leader raises the feature
 *                                          level only when this many member records support it
 *                                          (0: never raises it)
 * @param takeoverAfterContactMillis        how long after a proven prior contact
 *                                          ({@link RaftView#priorContactMillis()}) every earlier primary is surely
 *                                          gone: its PostgreSQL fenced and, with a VIP, its VIP removed;
 *                                          {@link #NO_CONTACT_RULE} when only the election counts
 */
public record DeciderConfig(String memberName, boolean canBootstrap, MemberTags tags,
                            boolean removeDataDirectoryOnRewindFailure,
                            boolean removeDataDirectoryOnDivergedTimelines, boolean watchdogFailed,
                            long freshnessWaitMillis, long takeoverDelayMillis, int memberCount,
                            long takeoverAfterContactMillis) {

    /** {@code takeoverAfterContactMillis} when the takeover counts from the election only. */
    public static final long NO_CONTACT_RULE = Long.MAX_VALUE / 4;

    /** A config whose takeover counts from the election only. */
    public DeciderConfig(String memberName, boolean canBootstrap, MemberTags tags,
                         boolean removeDataDirectoryOnRewindFailure, boolean removeDataDirectoryOnDivergedTimelines,
                         boolean watchdogFailed, long freshnessWaitMillis, long takeoverDelayMillis, int memberCount) {
        this(memberName, canBootstrap, tags, removeDataDirectoryOnRewindFailure, removeDataDirectoryOnDivergedTimelines,
                watchdogFailed, freshnessWaitMillis, takeoverDelayMillis, memberCount, NO_CONTACT_RULE);
    }

    /**
     * How long a new leader must still wait before it takes over another member's primary (at most 0: go).
     * Every lease of an earlier term was granted by a heartbeat sent before this member's election, so its
     * holder is fenced {@code takeoverDelayMillis} after the election; and, when proven, sent before the prior
     * contact, so the holder is gone {@code takeoverAfterContactMillis} after that. Either proof suffices.
     */
    public long takeoverWaitLeft(RaftView raft, long nowMillis) {
        long afterElection = raft.leaderSinceMillis() + takeoverDelayMillis;
        long afterContact = raft.priorContactMillis() >= 0 && takeoverAfterContactMillis < NO_CONTACT_RULE
                ? raft.priorContactMillis() + takeoverAfterContactMillis : Long.MAX_VALUE;
        return Math.min(afterElection, afterContact) - nowMillis;
    }

    /** A config that never raises the feature level (memberCount 0). */
    public DeciderConfig(String memberName, boolean canBootstrap, MemberTags tags,
                         boolean removeDataDirectoryOnRewindFailure, boolean removeDataDirectoryOnDivergedTimelines,
                         boolean watchdogFailed, long freshnessWaitMillis, long takeoverDelayMillis) {
        this(memberName, canBootstrap, tags, removeDataDirectoryOnRewindFailure, removeDataDirectoryOnDivergedTimelines,
                watchdogFailed, freshnessWaitMillis, takeoverDelayMillis, 0);
    }
}
