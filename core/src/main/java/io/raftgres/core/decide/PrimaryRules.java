package io.raftgres.core.decide;

import io.raftgres.core.decide.HaAction.AddVip;
import io.raftgres.core.decide.HaAction.ArmWatchdog;
import io.raftgres.core.decide.HaAction.ClaimLeader;
import io.raftgres.core.decide.HaAction.EnsureSlots;
import io.raftgres.core.decide.HaAction.Promote;
import io.raftgres.core.decide.HaAction.RecordTimelineSwitch;
import io.raftgres.core.decide.HaAction.StartPrimary;
import io.raftgres.core.decide.HaAction.TransferLeadership;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.model.TimelineOrigin;
import io.raftgres.core.model.TimelineSwitch;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the Raft leader with a valid lease does. If the leader key names it for this term it
 * runs the primary: promote a replica, restart a crashed primary in place (up to
 * primary_start_timeout), or keep the VIP, slots and history in order. Otherwise it first
 * decides who should be primary: itself (claim the leader key, promote next cycle) or a better
 * candidate (hand Raft leadership to it). The old primary's lease has lapsed by the time any
 * new leader exists (timing rule, see the raft module's lease), so claiming is safe at once.
 */
final class PrimaryRules {

    private final DeciderConfig config;
    private final CandidateSelector selector;

    PrimaryRules(DeciderConfig config, CandidateSelector selector) {
        this.config = config;
        this.selector = selector;
    }

    /** {@code silent}: members whose agent has not reported within the member TTL (never candidates). */
    Decision decide(ClusterState state, RaftView raft, LocalPgState local, long nowMillis, Set<String> silent) {
        LeaderRecord leader = state.leader();
        String me = config.memberName();
        long term = raft.term();
        if (leader != null && leader.member().equals(me)) {
            if (leader.term() == term) {
                return asPrimary(state, raft, local, nowMillis, silent);
            }
            boolean stoppedPrimary = local.hasDataDirectory() && !local.running()
                    && local.controlState().lastRanAsPrimary();
            // A stopped primary that could not arm a required watchdog must not restart: choose anew.
            if (local.isWritablePrimary() || stoppedPrimary && !local.watchdogUnusable()) {
                // Re-elected while still holding the key: no one promoted since, keep the timeline.
                return claim(term, local, "I am the Raft leader again and still hold the leader key of term "
                        + leader.term());
            }
        }
        CandidateSelector.Choice choice = selector.choose(state, raft, local, nowMillis, silent);
        if (choice.waitForFresh()) {
            // Look again soon: the wait ends on a deadline, not on an event that wakes the loop.
            return new Decision(List.of(), Reason.WAITING_FOR_FRESH_STATE, "no action: " + choice.why(), 100);
        }
        if (choice.winner().isEmpty()) {
            return Decision.of(Reason.NO_CANDIDATE_READONLY, "read-only: " + choice.why());
        }
        String winner = choice.winner().get();
        long left = config.takeoverWaitLeft(state, raft, nowMillis);
        if (winner.equals(me) && leader != null && left > 0) {
            // A follower may have voted for me while the old primary's lease still ran (pre-vote
            // granted, then one more heartbeat acknowledged); wait until that lease has surely lapsed,
            // counted from the election or from my proven last contact with the old leader.
            return new Decision(List.of(), Reason.TAKEOVER_WAIT, "no action: I am the best candidate; waiting "
                    + left + " ms until " + leader.member() + "'s lease has surely lapsed", left);
        }
        if (winner.equals(me)) {
            return claim(term, local, "I am the best candidate"
                    + (leader == null ? "" : " to replace " + leader.member()));
        }
        return Decision.of(Reason.HANDOFF_TO_BETTER_CANDIDATE, "handing Raft leadership to " + winner
                + ", the best candidate for primary", new TransferLeadership(winner));
    }

    private static Decision claim(long term, LocalPgState local, String why) {
        return new Decision(List.of(new ClaimLeader(term, local.timeline(), local.writeLsn())), Reason.CLAIM_LEADER,
                "taking the leader key for term " + term + ": " + why, 0);
    }

    private Decision asPrimary(ClusterState state, RaftView raft, LocalPgState local, long nowMillis,
                               Set<String> silent) {
        String me = config.memberName();
        if (local.watchdogUnusable()) {
            Decision release = releaseForWatchdog(state, raft, local, nowMillis);
            if (release != null) {
                return release;
            }
        }
        if (local.isWritablePrimary()) {
            List<HaAction> actions = new ArrayList<>();
            actions.add(new ArmWatchdog());
            // clients first: the VIP waits for no bookkeeping (the history record's commit and the
            // slots took 0.3-0.9 s of a failover, measured); the executor re-checks the lease
            actions.add(new AddVip());
            RecordTimelineSwitch record = unrecordedTimeline(state, raft, local, me);
            if (record != null) {
                actions.add(record);
            }
            if (state.config().useSlots()) {
                actions.add(new EnsureSlots(slotMembers(state)));
            }
            return new Decision(actions, Reason.LEADER_WITH_LEASE, "no action: I am " + me
                    + ", the primary with the lease (term " + raft.term() + ")", -1);
        }
        if (local.isRunningReplica()) {
            return Decision.of(Reason.PROMOTE, "promoting: I hold the leader key for term " + raft.term(),
                    new ArmWatchdog(), new Promote());
        }
        if (!local.hasDataDirectory()) {
            return Decision.of(Reason.LEADER_KEY_WITHOUT_DATA,
                    "read-only: I hold the leader key but have no data directory");
        }
        if (!local.controlState().lastRanAsPrimary()) {
            // A replica's data directory started without standby.signal would become writable on
            // the same timeline as WAL other replicas may hold: start it as a standby, promote next.
            return Decision.of(Reason.START_STANDBY_TO_PROMOTE, "starting PostgreSQL as a standby so I can promote it",
                    new HaAction.Follow(null));
        }
        long down = local.downSinceMillis() < 0 ? 0 : nowMillis - local.downSinceMillis();
        long timeout = state.config().primaryStartTimeoutMillis();
        if (down > timeout) {
            CandidateSelector.Choice choice = selector.choose(state.withLeader(null), raft, local, nowMillis, silent);
            if (choice.winner().isPresent() && !choice.winner().get().equals(me)) {
                return Decision.of(Reason.PRIMARY_START_TIMEOUT, "failing over: PostgreSQL did not start within "
                        + timeout / 1000 + " s; handing Raft leadership to " + choice.winner().get(),
                        new TransferLeadership(choice.winner().get()));
            }
        }
        return Decision.of(Reason.RESTART_PRIMARY, "restarting PostgreSQL as primary in place (down for "
                + down / 1000 + " s, primary_start_timeout " + timeout / 1000 + " s)", new ArmWatchdog(), new StartPrimary());
    }

    /**
     * The record of the writable primary's timeline when the replicated history lacks it (a newer
     * number, or a reused one), else null. Every rule that keeps a writable primary running, or
     * hands it over, asks this first: the timeline of a promotion whose record did not commit
     * before the promoter was fenced, and that then ran again under a new key (restarted in
     * place), is otherwise never recorded when the next step is a switchover, and members whose
     * WAL went past its fork could never tell (simulation seed 84 with operator events).
     */
    static RecordTimelineSwitch unrecordedTimeline(ClusterState state, RaftView raft, LocalPgState local, String me) {
        long lastTimeline = state.history().isEmpty() ? 1 : state.history().getLast().timeline();
        if (local.timeline() <= lastTimeline && !reusedLastNumber(state, local, me)) {
            return null;
        }
        return new RecordTimelineSwitch(raft.term(), local.timeline(),
                local.timelineStartLsn() == null ? Lsn.ZERO : local.timelineStartLsn(), local.timelineStartReason());
    }

    /**
     * I promoted to the last history entry's timeline number myself, but the entry records an
     * older promotion to that number (its promoter was cut off before my PostgreSQL saw its
     * history file): record mine, so members on the other branch rewind. Feature level 7 only,
     * and only under a leader key newer than the entry's, as the state machine accepts it.
     */
    private static boolean reusedLastNumber(ClusterState state, LocalPgState local, String me) {
        TimelineOrigin origin = local.timelineOrigin();
        if (state.featureLevel() < FeatureLevel.TIMELINE_BRANCHES || state.history().isEmpty() || origin == null
                || origin.timeline() != local.timeline() || !origin.member().equals(me)) {
            return false;
        }
        TimelineSwitch last = state.history().getLast();
        return origin.contradicts(last) && state.leader().term() > last.term();
    }

    /**
     * The watchdog is required but cannot be armed here (WatchdogPolicy says so until its next
     * retry is due): hand Raft leadership to the best other candidate, which takes the leader
     * key. A member not yet writable never promotes or starts a primary meanwhile, so it does not
     * retry every cycle while holding the key. A writable primary with no other candidate keeps
     * running (returns null): stopping it would leave the cluster without any primary, and its
     * watchdog is retried each cycle (ArmWatchdog).
     */
    private Decision releaseForWatchdog(ClusterState state, RaftView raft, LocalPgState local, long nowMillis) {
        CandidateSelector.Choice choice = selector.choose(state.withLeader(null), raft, local, nowMillis);
        if (choice.winner().isPresent() && !choice.winner().get().equals(config.memberName())) {
            return Decision.of(Reason.WATCHDOG_UNUSABLE_HANDOFF, "handing Raft leadership to " + choice.winner().get()
                    + ": the watchdog is required but cannot be armed here", new TransferLeadership(choice.winner().get()));
        }
        if (local.isWritablePrimary()) {
            return null;
        }
        return Decision.of(Reason.WATCHDOG_UNUSABLE_READONLY, "read-only: I hold the leader key for term " + raft.term()
                + " but the watchdog is required and cannot be armed; " + (choice.why().isEmpty()
                ? "no other candidate qualifies" : choice.why()));
    }

    /** One physical slot per other member, named by member (the adapter sanitizes names). */
    private Set<String> slotMembers(ClusterState state) {
        Set<String> names = new TreeSet<>(state.members().keySet());
        names.remove(config.memberName());
        return names;
    }
}
