package io.raftgres.core.decide;

import io.raftgres.core.decide.HaAction.AbandonSwitchover;
import io.raftgres.core.decide.HaAction.AddVip;
import io.raftgres.core.decide.HaAction.ArmWatchdog;
import io.raftgres.core.decide.HaAction.BeginHandover;
import io.raftgres.core.decide.HaAction.ClaimLeader;
import io.raftgres.core.decide.HaAction.DemoteForSwitchover;
import io.raftgres.core.decide.HaAction.DisarmWatchdog;
import io.raftgres.core.decide.HaAction.Promote;
import io.raftgres.core.decide.HaAction.RemoveVip;
import io.raftgres.core.decide.HaAction.TransferLeadership;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ClusterView;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.model.Switchover;
import io.raftgres.core.model.Switchover.Handover;

import java.util.List;

/**
 * What the Raft leader with a lease does while a switchover or manual failover is active; asked
 * before {@link PrimaryRules}, and null when it has nothing to say (the usual rules apply).
 *
 * <pre>
 * condition                                                    decision (reason)
 * ------------------------------------------------------------ ------------------------------------------
 * primary, due, no candidate qualifies                         ArmWatchdog, AddVip, AbandonSwitchover
 *                                                                (SWITCHOVER_NO_CANDIDATE)
 * primary, due, writable                                       ArmWatchdog, RecordTimelineSwitch (when the history lacks my
 *                                                                timeline), RemoveVip, BeginHandover naming the target
 *                                                                (once), DemoteForSwitchover (SWITCHOVER_DEMOTE)
 * key holder, due, PostgreSQL cleanly shut down                DisarmWatchdog, BeginHandover with the shutdown
 *                                                                checkpoint, TransferLeadership (SWITCHOVER_HANDOVER)
 * target named, not released, I am not the key holder         AbandonSwitchover (SWITCHOVER_INTERRUPTED)
 * handover recorded, I am its target, my PostgreSQL received   ClaimLeader, ArmWatchdog, Promote, no takeover wait
 *                                                                (SWITCHOVER_CLAIM)
 *   past the shutdown checkpoint on its timeline
 * ... target, not received yet, within {@link #WAL_WAIT_MILLIS} nothing, look again in 50 ms (SWITCHOVER_WAIT_FOR_WAL)
 * ... target, not received in time                             AbandonSwitchover, TransferLeadership back
 *                                                                (SWITCHOVER_CANDIDATE_BEHIND)
 * handover recorded, I am not its target, within the limit     TransferLeadership to the target (SWITCHOVER_PASS_ON)
 * ... beyond {@link #HANDOVER_LIMIT_MILLIS}                    AbandonSwitchover (SWITCHOVER_TIMED_OUT)
 * manual failover, candidate unfit                             AbandonSwitchover (FAILOVER_CANDIDATE_UNFIT)
 * manual failover, I am not the candidate                      TransferLeadership (FAILOVER_HANDOFF)
 * manual failover, I am the candidate, within takeover delay   nothing (FAILOVER_TAKEOVER_WAIT)
 * manual failover, I am the candidate                          ClaimLeader (FAILOVER_CLAIM)
 * </pre>
 *
 * <p>The handover record is written twice by the old primary: before its stop it names the target
 * (so the choice survives the stop, when every replica ends at the same position), after it the
 * release with the shutdown checkpoint. Only the second is a release.
 *
 * <p>Safety of the skipped takeover wait (SWITCHOVER_CLAIM). The wait exists because a former
 * primary may still accept writes under a lease granted before this leader's election. A released
 * handover record proves it does not: the old primary commits the release, as a leader-only command in its own
 * leader key's term, only in a cycle that found its PostgreSQL cleanly shut down (pg_controldata
 * "shut down", so no backend can commit) and after its VIP was removed; and while the record
 * stands, this class answers for the old primary before PrimaryRules could restart it (the
 * restart needs AbandonSwitchover committed first, and a committed abandon is applied before any
 * later leader reads the state, so a target that still sees the record knows no restart happened).
 * The target claims only if its own PostgreSQL received WAL past the start of the shutdown
 * checkpoint on the old timeline: the sender ships only flushed WAL and the checkpoint record is
 * flushed as a whole and is the last record, so a position past its start is its end, which holds
 * every commit the old primary ever acknowledged (asynchronous mode too). Promotion then starts
 * the new timeline after that checkpoint, so the old primary follows without pg_rewind.
 */
final class SwitchoverRules {

    /** How long the target waits, after it became leader, for the shutdown checkpoint to arrive. */
    static final long WAL_WAIT_MILLIS = 5_000;

    /** How long after the handover record the switchover may take before it is given up. */
    static final long HANDOVER_LIMIT_MILLIS = 10_000;

    private final DeciderConfig config;

    SwitchoverRules(DeciderConfig config) {
        this.config = config;
    }

    /** Only for the Raft leader with a valid lease; null when no switchover rule applies. */
    Decision decide(ClusterView view, LocalPgState local, long nowMillis) {
        ClusterState state = view.state();
        Switchover request = state.activeSwitchover();
        if (request == null) {
            return null;
        }
        RaftView raft = view.raft();
        LeaderRecord leader = state.leader();
        Handover handover = request.handover();
        boolean holdsKey = leader != null && leader.member().equals(config.memberName()) && leader.term() == raft.term();
        boolean released = handover != null && handover.checkpoint() != null;
        // A manual failover whose key holder still runs (or cleanly stopped) its primary is a switchover.
        boolean primaryUp = local.isWritablePrimary() || cleanlyStopped(local);
        if (holdsKey && !released && (handover != null || !request.isFailover() || primaryUp)) {
            return handover != null || request.dueAt(view.wallMillis()) ? asPrimary(view, request, local) : null;
        }
        if (handover != null && !released) {
            String why = leader == null ? "the leader key changed" : leader.member()
                    + " lost Raft leadership before its PostgreSQL stopped";
            return Decision.of(Reason.SWITCHOVER_INTERRUPTED, "giving up the switchover: " + why,
                    new AbandonSwitchover(raft.term(), why));
        }
        if (released) {
            return duringHandover(view, handover, local, nowMillis);
        }
        if (request.isFailover() && request.candidate() != null) {
            return failover(view, request, local, nowMillis);
        }
        return null;
    }

    private static boolean cleanlyStopped(LocalPgState local) {
        return !local.running() && local.hasDataDirectory() && local.controlState() == ControlState.SHUT_DOWN;
    }

    /**
     * The key holder's steps: name the target in the state (so it stays the same across the stop),
     * stop, then record the release. The target is fixed by the first step's BeginHandover.
     */
    private Decision asPrimary(ClusterView view, Switchover request, LocalPgState local) {
        String me = config.memberName();
        long term = view.raft().term();
        Handover named = request.handover();
        String target = named != null ? named.to() : request.candidate() != null ? request.candidate()
                : SwitchoverCandidates.best(view.state(), me, view.silentMembers()).orElse(null);
        String unfit = target == null ? "no member qualifies as candidate"
                : SwitchoverCandidates.whyNot(view.state(), target, me, view.silentMembers());
        if (unfit != null && named == null) {
            AbandonSwitchover abandon = new AbandonSwitchover(term, "no healthy candidate: " + unfit);
            // A running primary stays one: its watchdog armed (it may come straight from a pause) and its VIP
            // kept (the executor removes a VIP that a decision does not ask for).
            return local.isWritablePrimary()
                    ? Decision.of(Reason.SWITCHOVER_NO_CANDIDATE, "giving up the switchover: " + unfit,
                            new ArmWatchdog(), new AddVip(), abandon)
                    : Decision.of(Reason.SWITCHOVER_NO_CANDIDATE, "giving up the switchover: " + unfit, abandon);
        }
        if (local.isWritablePrimary()) {
            // Armed until the stop: the primary runs until then, and a pause that just ended left it disarmed.
            List<HaAction> actions = new java.util.ArrayList<>(List.of(new ArmWatchdog()));
            // My timeline in the history first: after the stop no rule of the primary's would record it, and a
            // failed record skips the rest (the stop waits for the next cycle).
            HaAction.RecordTimelineSwitch record = PrimaryRules.unrecordedTimeline(view.state(), view.raft(), local, me);
            if (record != null) {
                actions.add(record);
            }
            actions.add(new RemoveVip());
            if (named == null) {
                actions.add(new BeginHandover(term, target, null, local.timeline()));
            }
            actions.add(new DemoteForSwitchover());
            return Decision.of(Reason.SWITCHOVER_DEMOTE, "switchover to " + target
                    + ": removing the VIP, checkpointing and stopping PostgreSQL (fast)", actions.toArray(HaAction[]::new));
        }
        if (cleanlyStopped(local)) {
            return new Decision(List.of(new DisarmWatchdog(), new BeginHandover(term, target, local.writeLsn(),
                    local.timeline()), new TransferLeadership(target)), Reason.SWITCHOVER_HANDOVER,
                    "switchover: PostgreSQL stopped with its shutdown checkpoint at " + local.writeLsn()
                            + "; handing the primary role and Raft leadership to " + target, 1000);
        }
        return null;
    }

    private Decision duringHandover(ClusterView view, Handover handover, LocalPgState local, long nowMillis) {
        RaftView raft = view.raft();
        LeaderRecord leader = view.state().leader();
        long term = raft.term();
        if (leader == null || leader.term() != handover.term()) {
            return Decision.of(Reason.SWITCHOVER_TIMED_OUT, "giving up the switchover: the leader key changed",
                    new AbandonSwitchover(term, "the leader key changed during the handover"));
        }
        if (handover.to().equals(config.memberName())) {
            if (local.isRunningReplica() && local.timeline() == handover.timeline()
                    && local.writeLsn().isAfter(handover.checkpoint())) {
                // Promote in the same decision, not a cycle later (about 0.45 s of a switchover's write gap on the
                // demo): the executor runs it only once the claim committed, and checks right before it that this
                // member still is the leader with a lease holding the key, as the PROMOTE rule's promotion does.
                return new Decision(List.of(new ClaimLeader(term, local.timeline(), local.writeLsn()), new ArmWatchdog(),
                        new Promote()), Reason.SWITCHOVER_CLAIM, "taking the leader key for term " + term
                        + " and promoting: " + leader.member() + " handed over after its shutdown checkpoint at "
                        + handover.checkpoint() + ", which I received (" + local.writeLsn() + ")", 0);
            }
            long waited = nowMillis - raft.leaderSinceMillis();
            if (waited < WAL_WAIT_MILLIS) {
                return new Decision(List.of(), Reason.SWITCHOVER_WAIT_FOR_WAL, "no action: waiting until my "
                        + "PostgreSQL has received " + leader.member() + "'s shutdown checkpoint at "
                        + handover.checkpoint() + " (have " + local.writeLsn() + ")", 50);
            }
            String why = config.memberName() + " did not receive the shutdown checkpoint at " + handover.checkpoint()
                    + " within " + WAL_WAIT_MILLIS / 1000 + " s";
            return Decision.of(Reason.SWITCHOVER_CANDIDATE_BEHIND, "giving up the switchover: " + why
                            + "; handing Raft leadership back to " + leader.member(),
                    new AbandonSwitchover(term, why), new TransferLeadership(leader.member()));
        }
        if (view.wallMillis() - handover.atMillis() < HANDOVER_LIMIT_MILLIS) {
            return new Decision(List.of(new TransferLeadership(handover.to())), Reason.SWITCHOVER_PASS_ON,
                    "switchover in progress: handing Raft leadership to " + handover.to(), 1000);
        }
        String why = handover.to() + " did not take over within " + HANDOVER_LIMIT_MILLIS / 1000 + " s";
        return Decision.of(Reason.SWITCHOVER_TIMED_OUT, "giving up the switchover: " + why,
                new AbandonSwitchover(term, why));
    }

    private Decision failover(ClusterView view, Switchover request, LocalPgState local, long nowMillis) {
        RaftView raft = view.raft();
        String candidate = request.candidate();
        LeaderRecord leader = view.state().leader();
        String unfit = SwitchoverCandidates.whyNot(view.state(), candidate, null, view.silentMembers());
        if (unfit != null) {
            return Decision.of(Reason.FAILOVER_CANDIDATE_UNFIT, "giving up the manual failover: " + unfit,
                    new AbandonSwitchover(raft.term(), unfit));
        }
        if (!candidate.equals(config.memberName())) {
            return new Decision(List.of(new TransferLeadership(candidate)), Reason.FAILOVER_HANDOFF,
                    "manual failover: handing Raft leadership to " + candidate, 1000);
        }
        long left = config.takeoverWaitLeft(view.state(), raft, nowMillis);
        if (leader != null && left > 0) {
            // No proof the old primary stopped: wait out its lease as any failover does.
            return new Decision(List.of(), Reason.FAILOVER_TAKEOVER_WAIT, "no action: manual failover to me; waiting "
                    + left + " ms until " + leader.member() + "'s lease has surely lapsed", left);
        }
        return new Decision(List.of(new ClaimLeader(raft.term(), local.timeline(), local.writeLsn())), Reason.FAILOVER_CLAIM,
                "taking the leader key for term " + raft.term() + ": manual failover to me", 0);
    }
}
