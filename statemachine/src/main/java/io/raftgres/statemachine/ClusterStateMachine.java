package io.raftgres.statemachine;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.TimelineCeiling;
import io.raftgres.core.model.TimelineSwitch;
import io.raftgres.statemachine.Command.AbortInitialize;
import io.raftgres.statemachine.Command.ClaimInitialize;
import io.raftgres.statemachine.Command.ClaimLeader;
import io.raftgres.statemachine.Command.CompleteInitialize;
import io.raftgres.statemachine.Command.LeaseHeartbeat;
import io.raftgres.statemachine.Command.PublishMember;
import io.raftgres.statemachine.Command.RecordTimelineSwitch;
import io.raftgres.statemachine.Command.RemoveMember;
import io.raftgres.statemachine.Command.SeedConfig;
import io.raftgres.statemachine.Command.SetConfig;
import io.raftgres.statemachine.Command.SetFeatureLevel;
import io.raftgres.statemachine.Command.SetSyncState;
import io.raftgres.core.model.FeatureLevel;

/**
 * Deterministic, total application of committed commands. No clock, no I/O, no randomness:
 * every replica computes the same state from the same log. Time values travel inside the
 * commands; the entry's Raft term comes from the log.
 *
 * <p>Fencing rule: a leader-only command must carry the term of the log entry that holds it
 * (so its issuer was the leader that appended it) and must not be older than the leader
 * key's term.
 */
public final class ClusterStateMachine {

    private ClusterStateMachine() {
    }

    public static ApplyResult apply(ClusterState state, Command command, long entryTerm) {
        if (command.leaderOnly()) {
            if (command.term() != entryTerm) {
                return ApplyResult.rejected(state, "command from term " + command.term()
                        + " appended in term " + entryTerm + ": its issuer is no longer the leader");
            }
            if (state.leader() != null && command.term() < state.leader().term()) {
                return ApplyResult.rejected(state, "command from term " + command.term()
                        + " is older than the leader key's term " + state.leader().term());
            }
        }
        return switch (command) {
            case ClaimInitialize c -> claimInitialize(state, c);
            case CompleteInitialize c -> completeInitialize(state, c);
            case AbortInitialize c -> abortInitialize(state, c);
            case ClaimLeader c -> claimLeader(state, c);
            case LeaseHeartbeat ignored -> ApplyResult.accepted(state);
            case RecordTimelineSwitch c -> recordTimelineSwitch(state, c);
            case PublishMember c -> publishMember(state, c, entryTerm);
            case RemoveMember c -> state.member(c.name()).isPresent()
                    ? ApplyResult.accepted(state.withoutMember(c.name()))
                    : ApplyResult.rejected(state, "no member named " + c.name());
            case SetConfig c -> setConfig(state, c);
            case SetFeatureLevel c -> setFeatureLevel(state, c);
            case Command.RequestSwitchover c -> SwitchoverApply.request(state, c);
            case Command.CancelSwitchover c -> SwitchoverApply.cancel(state, c);
            case Command.BeginHandover c -> SwitchoverApply.beginHandover(state, c);
            case Command.AbandonSwitchover c -> SwitchoverApply.abandon(state, c);
            case SetSyncState c -> setSyncState(state, c);
            case Command.ScheduleRestart c -> RestartApply.schedule(state, c);
            case Command.CancelRestart c -> RestartApply.cancel(state, c);
            case SeedConfig c -> state.config().version() == 0
                    ? ApplyResult.accepted(state.withConfig(c.config().withVersion(1)))
                    : ApplyResult.rejected(state, "dynamic config already seeded (version "
                    + state.config().version() + ")");
        };
    }

    private static ApplyResult claimInitialize(ClusterState state, ClaimInitialize c) {
        if (state.isInitialized()) {
            return ApplyResult.rejected(state, "cluster already initialized (system id " + state.systemId() + ")");
        }
        if (state.initializer() != null && !state.initializer().equals(c.member()) && c.term() <= state.initTerm()) {
            return ApplyResult.rejected(state, state.initializer() + " is already initializing the cluster");
        }
        return ApplyResult.accepted(state.withInitializer(c.member(), c.term()));
    }

    private static ApplyResult completeInitialize(ClusterState state, CompleteInitialize c) {
        if (state.isInitialized()) {
            return ApplyResult.rejected(state, "cluster already initialized (system id " + state.systemId() + ")");
        }
        if (!c.member().equals(state.initializer())) {
            return ApplyResult.rejected(state, c.member() + " did not win the initialize race");
        }
        if (c.systemId() == null || c.systemId().isBlank()) {
            return ApplyResult.rejected(state, "empty system identifier");
        }
        ClusterState initialized = state.withSystemId(c.systemId());
        // Below level 2 a build applies the rule of builds before feature levels: the claim ends here.
        return ApplyResult.accepted(state.featureLevel() >= FeatureLevel.STRICT_APPLY ? initialized
                : initialized.withInitializer(null, 0));
    }

    /**
     * Raises the feature level, never lowers it, and only to a level every member record
     * advertises: a member on an older build would reject the commands the new level allows
     * (unknown to its decoder) while the others applied them.
     */
    private static ApplyResult setFeatureLevel(ClusterState state, SetFeatureLevel c) {
        if (c.level() <= state.featureLevel()) {
            return ApplyResult.rejected(state, "feature level is already " + state.featureLevel());
        }
        for (var m : state.members().values()) {
            if (m.maxFeatureLevel() < c.level()) {
                return ApplyResult.rejected(state, m.name() + " supports feature level " + m.maxFeatureLevel()
                        + " only, not " + c.level() + ": upgrade it first");
            }
        }
        return ApplyResult.accepted(state.withFeatureLevel(c.level()));
    }

    /**
     * The first leader key of a new cluster belongs to its initializer: its primary is the only
     * copy of the data, and it keeps running between publishing the system identifier and this
     * claim (the two are separate log entries, and the claim may fail and be retried).
     */
    private static ApplyResult claimLeader(ClusterState state, ClaimLeader c) {
        if (state.awaitsFirstLeader() && !c.member().equals(state.initializer())) {
            return ApplyResult.rejected(state, c.member() + " may not take the first leader key: "
                    + state.initializer() + " initialized the cluster and runs its primary");
        }
        // From level 9 on the key carries the timeline ceiling its holder reserves up to before promoting.
        long ceiling = state.featureLevel() >= FeatureLevel.TIMELINE_RESERVATION
                ? TimelineCeiling.afterClaim(state, c.member(), c.timeline()) : 0;
        return ApplyResult.accepted(SwitchoverApply.afterClaim(
                state.withLeader(new LeaderRecord(c.member(), c.term(), c.timeline(), c.optime(), ceiling)), c));
    }

    private static ApplyResult abortInitialize(ClusterState state, AbortInitialize c) {
        if (state.isInitialized() || !c.member().equals(state.initializer())) {
            return ApplyResult.rejected(state, c.member() + " holds no initialize claim");
        }
        return ApplyResult.accepted(state.withInitializer(null, 0));
    }

    private static ApplyResult recordTimelineSwitch(ClusterState state, RecordTimelineSwitch c) {
        LeaderRecord leader = state.leader();
        if (leader == null || !leader.member().equals(c.member()) || leader.term() != c.term()) {
            return ApplyResult.rejected(state, c.member() + " does not hold the leader key for term " + c.term());
        }
        long last = state.history().isEmpty() ? 1 : state.history().getLast().timeline();
        boolean branches = state.featureLevel() >= FeatureLevel.TIMELINE_BRANCHES;
        if (c.timeline() < last || c.timeline() == last && !(branches && reusesLastNumber(state, leader))) {
            return ApplyResult.rejected(state, "timeline " + c.timeline() + " is not newer than " + last);
        }
        // The leader key holds the timeline its holder claimed on, the one its promotion ended.
        long ended = leader.timeline() > 0 && leader.timeline() < c.timeline() ? leader.timeline() : c.timeline() - 1;
        return ApplyResult.accepted(state.withHistory(new TimelineSwitch(c.timeline(), c.switchLsn(), c.reason(),
                c.atMillis(), c.member(), ended, branches ? leader.term() : 0)));
    }

    /**
     * A promotion under a newer leader key that reached the last entry's timeline number again
     * (the entry's promoter was cut off before this one's PostgreSQL saw its history file): a
     * second branch with the same number. It is recorded as a new entry, which supersedes the old
     * one, so members on the older branch see that theirs is not the primary's (feature level 7).
     */
    private static boolean reusesLastNumber(ClusterState state, LeaderRecord leader) {
        TimelineSwitch lastEntry = state.history().getLast();
        return lastEntry.term() > 0 && leader.term() > lastEntry.term();
    }

    /**
     * The record is stamped with the entry's term, and a new Raft leader trusts records stamped
     * with its own term as read after the election (CandidateSelector). A record gathered in an
     * older term but appended in a newer one would pass for fresh with a stale WAL position, so
     * the command's term must be the entry's; the member republishes in the new term anyway.
     * From feature level 2 on: builds before it accepted such a record.
     */
    private static ApplyResult publishMember(ClusterState state, PublishMember c, long entryTerm) {
        if (c.term() != entryTerm && state.featureLevel() >= FeatureLevel.STRICT_APPLY) {
            return ApplyResult.rejected(state, c.member() + "'s record was gathered in term " + c.term()
                    + " but appended in term " + entryTerm + ": it may be stale; republish");
        }
        if (!c.member().equals(c.record().name())) {
            return ApplyResult.rejected(state, c.member() + " may only publish its own record, not "
                    + c.record().name() + "'s");
        }
        // Below feature level 3 a build before it drops the unknown pendingRestart, below 10 the
        // unknown upstream: so does this one.
        MemberRecord record = state.featureLevel() >= FeatureLevel.DYNAMIC_CONFIG ? c.record()
                : c.record().withPendingRestart(java.util.Map.of());
        record = state.featureLevel() >= FeatureLevel.FINAL_POSITIONS ? record : record.withUpstream(null);
        return ApplyResult.accepted(state.withMember(record.withTerm(entryTerm)));
    }

    private static ApplyResult setConfig(ClusterState state, SetConfig c) {
        long current = state.config().version();
        if (c.expectedVersion() >= 0 && c.expectedVersion() != current) {
            return ApplyResult.rejected(state, "config version is " + current + ", not " + c.expectedVersion());
        }
        String handover = SwitchoverApply.pauseRefusal(state, c.config());
        if (handover != null) {
            return ApplyResult.rejected(state, handover);
        }
        // Below feature level 3 a build before it ignores the unknown pause key: so does this one.
        DynamicConfig next = state.featureLevel() >= FeatureLevel.DYNAMIC_CONFIG ? c.config() : c.config().withPause(false);
        // Below feature level 5 a build before it ignores the unknown synchronous keys: so does this one.
        if (state.featureLevel() < FeatureLevel.SYNC_REPLICATION) {
            next = next.withSync(io.raftgres.core.model.SyncSettings.OFF);
        }
        return ApplyResult.accepted(state.withConfig(next.withVersion(current + 1)));
    }

    /**
     * Only the primary publishes the synchronous state: the leader key's holder, in the key's term
     * (a deposed primary's late command is refused), and the state must name it. From level 5 on.
     */
    private static ApplyResult setSyncState(ClusterState state, SetSyncState c) {
        if (state.featureLevel() < FeatureLevel.SYNC_REPLICATION) {
            return ApplyResult.rejected(state, "synchronous replication state needs feature level "
                    + FeatureLevel.SYNC_REPLICATION + ", the cluster runs " + state.featureLevel());
        }
        LeaderRecord leader = state.leader();
        if (leader == null || !leader.member().equals(c.member()) || leader.term() != c.term()) {
            return ApplyResult.rejected(state, c.member() + " does not hold the leader key for term " + c.term());
        }
        if (c.state() != null && !c.state().publishedBy(c.member(), c.term())) {
            return ApplyResult.rejected(state, "the synchronous state must name " + c.member() + " and term "
                    + c.term());
        }
        return ApplyResult.accepted(state.withSync(c.state()));
    }
}
