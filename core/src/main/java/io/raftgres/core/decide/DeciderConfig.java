package io.raftgres.core.decide;

import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.MemberTags;

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
 *                                          covers a vote granted while the old lease still ran,
 *                                          and with a VIP that expires never less than its bound
 *                                          ({@code SafetyTiming.takeoverDelayFromElection})
 * @param takeoverDelayFromContactMillis    the same wait counted from this member's proven last contact with the old
 *                                          leader ({@code RaftView.takeoverFromMillis};
 *                                          {@code SafetyTiming.takeoverDelayFromContact}): the takeover may start
 *                                          when either wait is over
 * @param memberCount                       the Raft group's size; the leader raises the feature
 *                                          level only when this many member records support it
 *                                          (0: never raises it)
 * @param belowVipWindow                    the two waits while the cluster runs a feature level below
 *                                          {@link FeatureLevel#VIP_LEASE_WINDOW} (a member may run a build that
 *                                          renews its VIP until its lease's end), or null: the same
 */
public record DeciderConfig(String memberName, boolean canBootstrap, MemberTags tags,
                            boolean removeDataDirectoryOnRewindFailure,
                            boolean removeDataDirectoryOnDivergedTimelines, boolean watchdogFailed,
                            long freshnessWaitMillis, long takeoverDelayMillis, long takeoverDelayFromContactMillis,
                            int memberCount, TakeoverWaits belowVipWindow) {

    /** No wait counted from the last contact: the takeover delay counts from the election only. */
    public static final long NEVER_FROM_CONTACT = Long.MAX_VALUE / 4;

    /** A takeover wait counted from the election, and one counted from the proven last contact. */
    public record TakeoverWaits(long fromElectionMillis, long fromContactMillis) { }

    /** The same waits at every feature level. */
    public DeciderConfig(String memberName, boolean canBootstrap, MemberTags tags,
                         boolean removeDataDirectoryOnRewindFailure, boolean removeDataDirectoryOnDivergedTimelines,
                         boolean watchdogFailed, long freshnessWaitMillis, long takeoverDelayMillis,
                         long takeoverDelayFromContactMillis, int memberCount) {
        this(memberName, canBootstrap, tags, removeDataDirectoryOnRewindFailure, removeDataDirectoryOnDivergedTimelines,
                watchdogFailed, freshnessWaitMillis, takeoverDelayMillis, takeoverDelayFromContactMillis, memberCount,
                null);
    }

    /** A config whose takeover delay counts from the election only. */
    public DeciderConfig(String memberName, boolean canBootstrap, MemberTags tags,
                         boolean removeDataDirectoryOnRewindFailure, boolean removeDataDirectoryOnDivergedTimelines,
                         boolean watchdogFailed, long freshnessWaitMillis, long takeoverDelayMillis, int memberCount) {
        this(memberName, canBootstrap, tags, removeDataDirectoryOnRewindFailure, removeDataDirectoryOnDivergedTimelines,
                watchdogFailed, freshnessWaitMillis, takeoverDelayMillis, NEVER_FROM_CONTACT, memberCount, null);
    }

    /**
     * How long this member, leader with view {@code raft}, must still wait at {@code nowMillis} before it may take over
     * another member's primary: until the delay from its election or the delay from its proven last contact with the
     * old leader is over, whichever comes first. At most {@link #takeoverDelayMillis}; 0 or less: no wait.
     */
    public long takeoverWaitLeft(io.raftgres.core.model.RaftView raft, long nowMillis) {
        return waitLeft(raft, nowMillis, takeoverDelayMillis, takeoverDelayFromContactMillis);
    }

    /**
     * As {@link #takeoverWaitLeft(io.raftgres.core.model.RaftView, long)}, with the waits of {@code state}'s feature level:
     * the shorter VIP bound only at {@link FeatureLevel#VIP_LEASE_WINDOW} or above and while every member record still
     * supports it (the level never drops, but a member downgraded to an older build publishes a lower maximum).
     */
    public long takeoverWaitLeft(io.raftgres.core.model.ClusterState state, io.raftgres.core.model.RaftView raft,
                                 long nowMillis) {
        boolean allWindowed = state.featureLevel() >= FeatureLevel.VIP_LEASE_WINDOW
                && state.members().values().stream().allMatch(m -> m.maxFeatureLevel() >= FeatureLevel.VIP_LEASE_WINDOW);
        if (belowVipWindow != null && !allWindowed) {
            return waitLeft(raft, nowMillis, belowVipWindow.fromElectionMillis(), belowVipWindow.fromContactMillis());
        }
        return takeoverWaitLeft(raft, nowMillis);
    }

    private static long waitLeft(io.raftgres.core.model.RaftView raft, long nowMillis, long fromElectionMillis,
                                 long fromContactMillis) {
        long fromElection = raft.leaderSinceMillis() + fromElectionMillis;
        long fromContact = raft.takeoverFromMillis() + fromContactMillis;
        return Math.min(fromElection, fromContact) - nowMillis;
    }

    /** A config that never raises the feature level (memberCount 0). */
    public DeciderConfig(String memberName, boolean canBootstrap, MemberTags tags,
                         boolean removeDataDirectoryOnRewindFailure, boolean removeDataDirectoryOnDivergedTimelines,
                         boolean watchdogFailed, long freshnessWaitMillis, long takeoverDelayMillis) {
        this(memberName, canBootstrap, tags, removeDataDirectoryOnRewindFailure, removeDataDirectoryOnDivergedTimelines,
                watchdogFailed, freshnessWaitMillis, takeoverDelayMillis, NEVER_FROM_CONTACT, 0);
    }
}
