package io.raftgres.core.decide;

import io.raftgres.core.decide.HaAction.AddVip;
import io.raftgres.core.decide.HaAction.DisarmWatchdog;
import io.raftgres.core.decide.HaAction.RaiseFeatureLevel;
import io.raftgres.core.decide.HaAction.RemoveVip;
import io.raftgres.core.decide.HaAction.Stop;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ClusterView;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.OperatorRequest;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.spi.StopMode;

/**
 * The pure HA decider: the same inputs always give the same {@link Decision}. No I/O, no
 * clock (time comes in as {@code nowMillis}, the agent's monotonic milliseconds), no threads.
 *
 * <p>Rules, in the order they are tried each cycle:
 * <pre>
 * condition                                              decision (reason)
 * ------------------------------------------------------ -------------------------------------
 * PostgreSQL writable here, but this member may not run   RemoveVip, Stop IMMEDIATE, DisarmWatchdog
 *   a primary (not Raft leader with lease, or the leader   (FENCE_LEASE_LOST), in maintenance mode too
 *   key names another member)
 *   ... but the lease gate holds the lapse for now        nothing (GATE_HOLDS_LAPSE), in pause too
 * a background operation is running                      nothing (BUSY)
 * an operator's restart or reinitialize is under way       {@link OperatorRules} (in maintenance mode too)
 * maintenance mode                                       nothing (PAUSED_PRIMARY, PAUSED)
 * no Raft leader known                                   nothing (WAITING_FOR_RAFT)
 * cluster not initialized                                {@link BootstrapRules}
 * data directory of another cluster                      nothing (FOREIGN_DATA_DIRECTORY)
 * initialized, but no first leader key yet               {@link BootstrapRules}
 * Raft leader with a valid lease, switchover active       {@link SwitchoverRules} (when it has a rule)
 * Raft leader with a valid lease                         {@link PrimaryRules}
 * Raft leader without lease yet                          nothing (WAITING_FOR_RAFT)
 * otherwise                                              {@link ReplicaRules}
 * a rule's decision re-runs the operation that failed    nothing until its back-off passed (BACKOFF),
 *   last                                                   see {@link RetryPolicy}
 * </pre>
 * Safety: a writable primary exists only where the Raft leader holds a lease and the leader
 * key for its term (or an earlier term, when no one else claimed since). The fence rule comes
 * first so that no other state, not even a running background job, delays it.
 */
public final class HaDecider {

    private final DeciderConfig config;
    private final BootstrapRules bootstrap;
    private final PrimaryRules primary;
    private final ReplicaRules replica;
    private final OperatorRules operator;
    private final SwitchoverRules switchover;

    public HaDecider(DeciderConfig config) {
        this.config = config;
        this.bootstrap = new BootstrapRules(config);
        this.primary = new PrimaryRules(config, new CandidateSelector(config));
        this.replica = new ReplicaRules(config);
        this.operator = new OperatorRules(config);
        this.switchover = new SwitchoverRules(config);
    }

    public Decision decide(ClusterView view, LocalPgState local, long nowMillis) {
        return decide(view, local, null, nowMillis);
    }

    /** As above, carrying out {@code request} (an operator's restart or reinitialize; null: none). */
    public Decision decide(ClusterView view, LocalPgState local, OperatorRequest request, long nowMillis) {
        return RetryPolicy.backOff(rules(view, local, request, nowMillis), local, nowMillis,
                view.state().config().primaryStartTimeoutMillis());
    }

    private Decision rules(ClusterView view, LocalPgState local, OperatorRequest request, long nowMillis) {
        ClusterState state = view.state();
        RaftView raft = view.raft();
        String me = config.memberName();
        // Pause suppresses promotions, restarts and kills, never this fence: a member whose lease
        // lapsed must not acknowledge writes while another member could be promoted, and a paused
        // flag this member holds may be stale (the majority may have resumed and promoted since).
        if (local.isWritablePrimary() && !mayRunPrimary(state, raft)) {
            if (view.gateHoldsLapse()) {
                return Decision.of(Reason.GATE_HOLDS_LAPSE, "no action: " + fenceWhy(state, raft)
                        + "; the lease gate holds every commit until the lease returns or the lease guard fences");
            }
            return Decision.of(Reason.FENCE_LEASE_LOST, "fencing: " + fenceWhy(state, raft)
                            + "; removing the VIP and stopping PostgreSQL immediately",
                    new RemoveVip(), new Stop(StopMode.IMMEDIATE), new DisarmWatchdog());
        }
        if (local.activity().isBusy()) {
            return Decision.of(Reason.BUSY, "no action: " + describe(local.activity()) + " in progress");
        }
        if (request != null && state.isInitialized()) {
            return operator.decide(request, state, raft, local);
        }
        if (state.paused()) {
            // Maintenance mode: nothing is started, stopped or promoted, and the watchdog is off so a
            // stalled agent does not reset the host; the primary re-arms it on the first cycle after resume.
            // The primary (it passed the fence above) asks for its VIP: the executor removes a VIP that a
            // decision does not ask for, and clients must keep reaching the primary during maintenance.
            String what = "PAUSE: no action: maintenance mode, I am " + me;
            return local.isWritablePrimary()
                    ? Decision.of(Reason.PAUSED_PRIMARY, what + ", the primary (VIP kept, watchdog off)", new AddVip(),
                            new DisarmWatchdog())
                    : Decision.of(Reason.PAUSED, what, new DisarmWatchdog());
        }
        if (raft.role() != RaftRole.LEADER && raft.leaderId() == null) {
            return Decision.of(Reason.WAITING_FOR_RAFT, "no action: waiting for a Raft leader to be elected");
        }
        if (!state.isInitialized()) {
            return raiseFeatureLevelIfDue(bootstrap.decide(state, raft, local), state, raft);
        }
        if (local.systemId() != null && !local.systemId().equals(state.systemId())) {
            return Decision.of(Reason.FOREIGN_DATA_DIRECTORY, "stays stopped: the data directory belongs to system "
                    + local.systemId() + ", the cluster is " + state.systemId()
                    + "; remove it to let this member clone again");
        }
        if (state.awaitsFirstLeader()) {
            return raiseFeatureLevelIfDue(bootstrap.decide(state, raft, local), state, raft);
        }
        Decision planned = raft.isLeaderWithLease() ? switchover.decide(view, local, nowMillis) : null;
        if (planned != null) {
            return planned;
        }
        if (raft.isLeaderWithLease()) {
            return raiseFeatureLevelIfDue(primary.decide(state, raft, local, nowMillis, view.silentMembers()), state,
                    raft);
        }
        if (raft.role() == RaftRole.LEADER) {
            // The first heartbeat of the term grants the lease within milliseconds and does not wake the
            // loop (it changes no state): look again soon, not a loop_wait later (a switchover waits here).
            return new Decision(java.util.List.of(), Reason.WAITING_FOR_LEASE,
                    "no action: I am the Raft leader of term " + raft.term() + " and wait for my lease", 50);
        }
        return replica.decide(state, raft, local);
    }

    /**
     * The Raft leader with a lease raises the cluster's feature level to this build's latest once
     * every member of the group has published, in this term (so from the build it runs now), a
     * record that supports it. Put first in the cycle's decision, so that the cycle's other
     * commands (such as a CompleteInitialize) already apply at the new level; the executor goes on
     * with the rest whatever the raise's outcome.
     */
    private Decision raiseFeatureLevelIfDue(Decision decision, ClusterState state, RaftView raft) {
        int target = FeatureLevel.LATEST;
        if (!raft.isLeaderWithLease() || state.featureLevel() >= target || config.memberCount() <= 0
                || state.members().size() < config.memberCount()) {
            return decision;
        }
        boolean allCurrent = state.members().values().stream()
                .allMatch(m -> m.term() == raft.term() && m.maxFeatureLevel() >= target);
        return allCurrent ? decision.startingWith(new RaiseFeatureLevel(raft.term(), target), "raising the cluster's feature "
                + "level from " + state.featureLevel() + " to " + target + ": every member supports it") : decision;
    }

    /** Leader with lease, and the leader key names this member (or is being taken over by it). */
    private boolean mayRunPrimary(ClusterState state, RaftView raft) {
        if (!raft.isLeaderWithLease()) {
            return false;
        }
        // No leader key yet: only during bootstrap, where this member is the initializer.
        return state.primaryKeyHeldBy(config.memberName());
    }

    private String fenceWhy(ClusterState state, RaftView raft) {
        if (raft.role() != RaftRole.LEADER) {
            return "I am not the Raft leader (term " + raft.term() + ")";
        }
        if (!raft.leaseValid() || !raft.leaderReady()) {
            return "my leader lease lapsed (term " + raft.term() + ")";
        }
        return "the leader key names " + (state.leader() == null ? "nobody" : state.leader().member());
    }

    static String describe(io.raftgres.core.model.Activity activity) {
        return switch (activity) {
            case NONE -> "nothing";
            case INITDB -> "initdb";
            case CLONING -> "cloning from the leader";
            case REWINDING -> "pg_rewind";
            case STARTING -> "starting PostgreSQL";
            case STOPPING -> "stopping PostgreSQL";
            case PROMOTING -> "promotion";
            case REMOVING_DATA -> "removing the data directory";
        };
    }
}
