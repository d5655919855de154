package io.raftgres.core.decide;

import io.raftgres.core.decide.HaAction.Clone;
import io.raftgres.core.decide.HaAction.Follow;
import io.raftgres.core.decide.HaAction.KeepTimelineOrigin;
import io.raftgres.core.decide.HaAction.RemoveDataDirectory;
import io.raftgres.core.decide.HaAction.Rewind;
import io.raftgres.core.decide.HaAction.Stop;
import io.raftgres.core.model.Activity;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.model.TimelineOrigin;
import io.raftgres.core.model.TimelineSwitch;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.Upstream;

/**
 * What a member that is not the Raft leader does: clone, start or re-point its replica at the
 * member the leader key names, and rejoin after a failover. A data directory whose timeline
 * diverged from the leader's (it last ran as primary on an older timeline, or it holds WAL past
 * the point where the leader's timeline forked) is rewound with pg_rewind when use_pg_rewind
 * is on, re-cloned when remove_data_directory_on_diverged_timelines is on, and otherwise stays
 * stopped with the reason in every cycle's log line. So is one whose timeline has the primary's
 * number but another branch: this member promoted to it, and the history records a different
 * promotion to the same number ({@link #otherBranch}).
 *
 * <p>While the Raft leader is not the leader key's member (a new primary is being chosen) a replica
 * does not stream from the key's member, and a stopped member does not start (from feature level
 * {@link FeatureLevel#FINAL_POSITIONS}; {@link #whileReplacing}).
 */
final class ReplicaRules {

    private final DeciderConfig config;

    ReplicaRules(DeciderConfig config) {
        this.config = config;
    }

    Decision decide(ClusterState state, RaftView raft, LocalPgState local) {
        String me = config.memberName();
        LeaderRecord leader = state.leader();
        if (leader == null) {
            return Decision.of(Reason.NO_LEADER_KEY, "no action: no member holds the leader key yet");
        }
        boolean finalPositions = state.featureLevel() >= FeatureLevel.FINAL_POSITIONS;
        if (leader.member().equals(me)) {
            if (finalPositions && attached(local)) {
                // Claimed the key but lost Raft leadership before promoting: still a replica, perhaps of an
                // orphaned primary, so it detaches like any other (the new leader counts only final positions).
                return detach(local, raft, me);
            }
            return Decision.of(Reason.LEADER_KEY_NAMES_ME, "no action: the leader key of term " + leader.term()
                    + " names me, but " + raft.leaderId() + " leads Raft; waiting for it to choose a primary");
        }
        MemberRecord primary = state.members().get(leader.member());
        if (primary == null) {
            return Decision.of(Reason.LEADER_ADDRESS_UNKNOWN, "no action: " + leader.member() + " has not published its address");
        }
        Upstream upstream = new Upstream(primary.name(), primary.pgHost(), primary.pgPort());
        if (replacing(state, raft)) {
            return whileReplacing(leader, raft, local);
        }
        if (!local.hasDataDirectory()) {
            return Decision.of(Reason.CLONE, "cloning from " + primary.name() + " with pg_basebackup", new Clone(upstream));
        }
        long leaderTimeline = leaderTimeline(state, leader, primary);
        if (local.running()) {
            if (!primary.name().equals(local.upstream())) {
                return Decision.of(Reason.FOLLOW_LEADER, "following the new primary " + primary.name(), new Follow(upstream));
            }
            if (!local.streaming() && otherBranch(state, local)) {
                return Decision.of(Reason.STOP_DIVERGED_REPLICA, "stopping: " + otherBranchText(state, local)
                        + "; it must be rewound", new Stop(StopMode.FAST));
            }
            if (!local.streaming() && lostBranch(state, local, leaderTimeline)) {
                return Decision.of(Reason.STOP_DIVERGED_REPLICA, "stopping: my timeline " + local.timeline()
                        + " is a branch off the primary's line to timeline " + leaderTimeline + "; it must be rewound", new Stop(StopMode.FAST));
            }
            if (!local.streaming() && (divergedAsReplica(state, local, leaderTimeline) || foreignTimeline(state, local))) {
                return Decision.of(Reason.STOP_DIVERGED_REPLICA, "stopping: my WAL on timeline " + local.timeline()
                        + " went past the fork to timeline " + leaderTimeline + "; it must be rewound", new Stop(StopMode.FAST));
            }
            TimelineOrigin branch = streamedBranch(state, local, leaderTimeline);
            if (branch != null && !branch.equals(local.timelineOrigin())) {
                return Decision.of(Reason.KEEP_TIMELINE_ORIGIN, "noting that my timeline " + branch.timeline()
                        + " is the one " + branch.member() + " promoted to under the leader key of term "
                        + branch.term() + "; I am " + me + ", a replica following " + primary.name(),
                        new KeepTimelineOrigin(branch));
            }
            return Decision.of(Reason.REPLICA_FOLLOWING, "no action: I am " + me + ", a replica following "
                    + primary.name() + (local.streaming() ? "" : " (not streaming yet)"));
        }
        boolean diverged = local.controlState().lastRanAsPrimary() && local.timeline() < leaderTimeline
                && !cleanShutdownAtFork(state, local)
                || divergedAsReplica(state, local, leaderTimeline) || foreignTimeline(state, local)
                || otherBranch(state, local) || lostBranch(state, local, leaderTimeline);
        if (local.failedActivity() == Activity.REWINDING) {
            return afterRewindFailure(local);
        }
        if (diverged && awaitsTimelineRecord(state, local, leaderTimeline)) {
            // A clean switchover's old primary: the new primary promoted but has not recorded where
            // its timeline forked yet; without that record a clean shutdown at the fork looks diverged.
            return Decision.of(Reason.WAITING_FOR_TIMELINE_HISTORY, "no action: waiting for " + primary.name()
                    + " to record where timeline " + leaderTimeline + " began");
        }
        if (diverged) {
            String what = otherBranch(state, local) ? otherBranchText(state, local) : "timeline " + local.timeline()
                    + " diverged from the primary's timeline " + leaderTimeline;
            return divergedDecision(upstream, what, state.config().usePgRewind());
        }
        return Decision.of(Reason.START_REPLICA, "starting as a replica of " + primary.name(), new Follow(upstream));
    }

    /**
     * The Raft leader (another member: the decider runs these rules only on a follower that knows
     * the leader) is not the leader key's member, so that member is being replaced. In quorum mode
     * without the lease gate its PostgreSQL, orphaned by a dead agent, still acknowledges a commit
     * that any one listed replica confirms; the new leader may promote only on positions that no
     * later confirmation can pass. So this replica detaches (a standby with no upstream, whose WAL
     * receiver the detach stops: {@code ReceiverStopWait}) and publishes the position it then holds, and nothing
     * here starts PostgreSQL or streams from the key's member until that member leads Raft again or
     * the key names another. {@code MemberRecord.positionFinal} is the other half.
     */
    private Decision whileReplacing(LeaderRecord leader, RaftView raft, LocalPgState local) {
        String deposed = leader.member();
        if (attached(local)) {
            return detach(local, raft, deposed);
        }
        return Decision.of(Reason.WAITING_FOR_NEW_PRIMARY, "no action: " + raft.leaderId() + " leads Raft in term "
                + raft.term() + " and chooses a primary to replace " + deposed + "; I am " + config.memberName()
                + (local.running() ? ", a replica streaming from no one" : ", stopped"));
    }

    /**
     * Another member leads Raft while the leader key names a member, which is therefore being
     * replaced (feature level 10): no replica streams from it and nothing starts (here and in
     * {@code OperatorRules}).
     */
    static boolean replacing(ClusterState state, RaftView raft) {
        return state.featureLevel() >= FeatureLevel.FINAL_POSITIONS && state.leader() != null
                && raft.leaderId() != null && !state.leader().member().equals(raft.leaderId());
    }

    /**
     * A running replica that names an upstream or still has a WAL receiver (a detach that did not
     * finish: the probe counts a receiver process as streaming while no upstream is configured).
     */
    static boolean attached(LocalPgState local) {
        return local.isRunningReplica() && (local.upstream() != null || local.streaming());
    }

    private static Decision detach(LocalPgState local, RaftView raft, String keyMember) {
        String from = local.upstream() != null ? local.upstream() : "its last upstream (its WAL receiver still runs)";
        return Decision.of(Reason.DETACH_FROM_DEPOSED_PRIMARY, "detaching from " + from + ": " + raft.leaderId()
                + " leads Raft in term " + raft.term() + " and the leader key still names " + keyMember
                + "; my WAL position stays final until a new primary is chosen", new Follow(null));
    }

    private Decision divergedDecision(Upstream upstream, String what, boolean usePgRewind) {
        if (usePgRewind) {
            return Decision.of(Reason.REWIND, "rewinding from " + upstream.member() + ": " + what, new Rewind(upstream));
        }
        if (config.removeDataDirectoryOnDivergedTimelines()) {
            return Decision.of(Reason.RECLONE, "removing the data directory to clone again: " + what,
                    new RemoveDataDirectory());
        }
        return Decision.of(Reason.DIVERGED_STUCK, "stays stopped: " + what
                + "; set use_pg_rewind or remove_data_directory_on_diverged_timelines, or reinitialize this member");
    }

    private Decision afterRewindFailure(LocalPgState local) {
        if (config.removeDataDirectoryOnRewindFailure() || config.removeDataDirectoryOnDivergedTimelines()) {
            return Decision.of(Reason.RECLONE_AFTER_REWIND_FAILURE, "removing the data directory to clone again: pg_rewind failed ("
                    + local.lastFailure() + ")", new RemoveDataDirectory());
        }
        return Decision.of(Reason.REWIND_FAILED_STUCK, "stays stopped: pg_rewind failed (" + local.lastFailure()
                + "); set remove_data_directory_on_rewind_failure or reinitialize this member");
    }

    /** The leader's current timeline: the newest of its claim, its published state and the history. */
    static long leaderTimeline(ClusterState state, LeaderRecord leader, MemberRecord primary) {
        long timeline = Math.max(leader.timeline(), primary.timeline());
        if (!state.history().isEmpty()) {
            timeline = Math.max(timeline, state.history().getLast().timeline());
        }
        return timeline;
    }

    /**
     * A cleanly shut down former primary whose shutdown checkpoint is not past the fork to the next
     * timeline: the new primary received everything, pg_rewind would answer "no rewind required".
     */
    static boolean cleanShutdownAtFork(ClusterState state, LocalPgState local) {
        if (local.controlState() != ControlState.SHUT_DOWN) {
            return false;
        }
        TimelineSwitch entry = forkFrom(state, local.timeline());
        if (entry == null) {
            return false;
        }
        Lsn fork = entry.switchLsn();
        return fork != null && !fork.equals(Lsn.ZERO) && !local.writeLsn().isAfter(fork);
    }

    /**
     * A cleanly shut down former primary behind the leader, whose next timeline is not in the history
     * yet: the leader records it in its first cycles as primary. The leader's number may be more than
     * one above mine: a promotion skips the numbers it reserved (feature level 9).
     */
    static boolean awaitsTimelineRecord(ClusterState state, LocalPgState local, long leaderTimeline) {
        long lastRecorded = state.history().isEmpty() ? 1 : state.history().getLast().timeline();
        return local.controlState() == ControlState.SHUT_DOWN && leaderTimeline > local.timeline()
                && lastRecorded == local.timeline();
    }

    /** My timeline's number is in the history, but it began elsewhere: a different promotion made it. */
    static boolean foreignTimeline(ClusterState state, LocalPgState local) {
        if (local.timelineStartLsn() == null || local.timeline() <= 1) {
            return false;
        }
        TimelineSwitch entry = lastEntryFor(state, local.timeline());
        if (entry == null) {
            return false;
        }
        Lsn start = entry.switchLsn();
        return start != null && !start.equals(Lsn.ZERO) && !start.equals(local.timelineStartLsn());
    }

    /**
     * My timeline's number is in the history, but this member made it by a promotion the history
     * does not record (the last entry for that number names another promoter or leader-key term):
     * two promotions reached the same number from the same parent, and mine was abandoned. Same
     * number, parent and start point, so only who promoted in which term tells them apart.
     */
    static boolean otherBranch(ClusterState state, LocalPgState local) {
        TimelineOrigin origin = local.timelineOrigin();
        if (origin == null || origin.timeline() != local.timeline()) {
            return false;
        }
        TimelineSwitch entry = lastEntryFor(state, local.timeline());
        return entry != null && origin.contradicts(entry);
    }

    /**
     * My timeline is below the primary's and not on its line (feature level 9, where promotions skip
     * reserved numbers, so a lost branch has a number of its own and neither {@link #otherBranch} (same
     * number) nor {@link #divergedAsReplica} (WAL past the fork) need see it). The line is walked down
     * from the primary's timeline through each entry's ended timeline (from the key's claim timeline
     * while the primary's own switch is unrecorded); passing below my number without meeting it means
     * another branch (simulation seed 1426: n2's timeline 3 and n3's 4 both forked from 1 at one LSN,
     * a member on 3 stayed "not streaming"). Where the walk cannot reach my number (an entry missing),
     * a timeline that no entry records, none continues from and the key was not claimed on counts as
     * lost (seeds 180 and 192).
     */
    static boolean lostBranch(ClusterState state, LocalPgState local, long leaderTimeline) {
        long mine = local.timeline();
        if (state.featureLevel() < FeatureLevel.TIMELINE_RESERVATION || mine <= 1 || mine >= leaderTimeline) {
            return false;
        }
        long t = leaderTimeline;
        if (lastEntryFor(state, t) == null && state.leader() != null && state.leader().timeline() < t) {
            t = state.leader().timeline();
        }
        while (t > mine) {
            TimelineSwitch entry = lastEntryFor(state, t);
            if (entry == null || entry.endedTimeline() >= t) {
                return neverRecordedNorContinued(state, mine);
            }
            t = entry.endedTimeline();
        }
        return t != mine;
    }

    private static boolean neverRecordedNorContinued(ClusterState state, long mine) {
        if (state.leader() != null && state.leader().timeline() == mine) {
            return false;
        }
        for (TimelineSwitch entry : state.history()) {
            if (entry.timeline() == mine || entry.endedTimeline() == mine) {
                return false;
            }
        }
        return true;
    }

    /** The branch a replica streaming the primary's timeline holds: the primary's (null: unknown). */
    static TimelineOrigin streamedBranch(ClusterState state, LocalPgState local, long leaderTimeline) {
        if (!local.streaming() || local.timeline() != leaderTimeline) {
            return null;
        }
        return TimelineOrigin.ofPrimary(state, local.timeline());
    }

    private static String otherBranchText(ClusterState state, LocalPgState local) {
        TimelineOrigin mine = local.timelineOrigin();
        TimelineSwitch theirs = lastEntryFor(state, local.timeline());
        return "my timeline " + mine.timeline() + " is " + mine.member() + "'s promotion under the leader key of term "
                + mine.term() + ", the primary's is " + theirs.member() + "'s of term " + theirs.term();
    }

    /**
     * The history's entry for {@code timeline}, or null. From feature level 7 a number can have
     * two entries (a reused number, see the state machine); the later one is the primary's branch.
     */
    static TimelineSwitch lastEntryFor(ClusterState state, long timeline) {
        TimelineSwitch found = null;
        for (TimelineSwitch entry : state.history()) {
            if (entry.timeline() == timeline) {
                found = entry;
            }
        }
        return found;
    }

    /**
     * The switch that ended {@code timeline}: the last history entry that names it as the timeline it
     * ended (the primary's branch when two did), else the last entry of the lowest number above it. Not
     * simply the next number: a promotion skips the numbers it reserved (feature level 9), so timeline 1
     * may be followed by 3; and an entry's ended timeline is a guess (one below) when its promoter
     * recorded it only under a later key claimed on the new timeline itself (simulation seed 412 with
     * the silence detector: timeline 5 recorded as ending 4, a member on 3 past the fork never stopped).
     */
    static TimelineSwitch forkFrom(ClusterState state, long timeline) {
        TimelineSwitch named = null;
        TimelineSwitch next = null;
        for (TimelineSwitch entry : state.history()) {
            if (entry.timeline() <= timeline) {
                continue;
            }
            if (entry.endedTimeline() == timeline) {
                named = entry;
            }
            if (next == null || entry.timeline() <= next.timeline()) {
                next = entry;
            }
        }
        return named != null ? named : next;
    }

    /** Local WAL went past the point where the timeline after ours forked off. */
    static boolean divergedAsReplica(ClusterState state, LocalPgState local, long leaderTimeline) {
        if (local.timeline() <= 0 || local.timeline() >= leaderTimeline) {
            return false;
        }
        // PostgreSQL compares the fork with its recovery point, i.e. what was replayed: a received
        // but unreplayed partial record past the fork is no divergence, and after a restart the
        // receiver's position starts below what was replayed anyway.
        Lsn held = local.replayLsn();
        TimelineSwitch entry = forkFrom(state, local.timeline());
        if (entry == null) {
            return false;
        }
        Lsn fork = entry.switchLsn();
        return fork != null && !fork.equals(Lsn.ZERO) && held.isAfter(fork);
    }
}
