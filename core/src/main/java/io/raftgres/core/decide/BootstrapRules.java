package io.raftgres.core.decide;

import io.raftgres.core.decide.HaAction.AbortInitialize;
import io.raftgres.core.decide.HaAction.ArmWatchdog;
import io.raftgres.core.decide.HaAction.Bootstrap;
import io.raftgres.core.decide.HaAction.ClaimInitialize;
import io.raftgres.core.decide.HaAction.ClaimLeader;
import io.raftgres.core.decide.HaAction.CompleteInitialize;
import io.raftgres.core.decide.HaAction.RemoveDataDirectory;
import io.raftgres.core.decide.HaAction.StartPrimary;
import io.raftgres.core.decide.HaAction.TransferLeadership;
import io.raftgres.core.model.Activity;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.RaftView;

/**
 * The initialize race for a cluster without a system identifier. Only the Raft leader with a
 * lease claims the initialize key, so the member that runs initdb is the one that may run the
 * primary; a leader without a bootstrap section hands Raft leadership to a member that has
 * one. A newer leader may take over a claim from an older term (its initializer lost
 * leadership before finishing).
 *
 * <p>Publishing the system identifier and taking the first leader key are two log entries. The
 * initializer keeps its role until the leader key exists (see {@link ClusterState#withLeader}),
 * so its primary is never fenced in between and a failed claim is simply retried; a Raft leader
 * that is not the initializer hands leadership back to it, the only member with the data.
 */
final class BootstrapRules {

    private final DeciderConfig config;

    BootstrapRules(DeciderConfig config) {
        this.config = config;
    }

    Decision decide(ClusterState state, RaftView raft, LocalPgState local) {
        String me = config.memberName();
        String initializer = state.initializer();
        boolean leader = raft.isLeaderWithLease();
        if (me.equals(initializer)) {
            return leader ? asInitializer(state, raft, local)
                    : Decision.of(Reason.BOOTSTRAP_CLAIM_WITHOUT_LEASE, "no action: I hold the initialize claim but not the Raft lease");
        }
        if (!leader) {
            return Decision.of(Reason.BOOTSTRAP_WAIT, initializer == null
                    ? "no action: waiting for the Raft leader to initialize the cluster"
                    : "no action: waiting for " + initializer + " to initialize the cluster");
        }
        if (state.awaitsFirstLeader()) {
            return Decision.of(Reason.BOOTSTRAP_HANDOFF, "handing Raft leadership to " + initializer
                    + ": it initialized the cluster and must take the first leader key", new TransferLeadership(initializer));
        }
        if (initializer != null && state.initTerm() >= raft.term()) {
            return Decision.of(Reason.BOOTSTRAP_WAIT_FOR_CLAIM, "no action: waiting for " + initializer + " to initialize the cluster");
        }
        if (config.canBootstrap() && !local.watchdogUnusable()) {
            return new Decision(java.util.List.of(new ClaimInitialize(raft.term())), Reason.BOOTSTRAP_CLAIM,
                    "initializing: I am the Raft leader of term " + raft.term() + " and claim the initialize key", 0);
        }
        String why = config.canBootstrap() ? "the watchdog is required but cannot be armed here"
                : "I have no bootstrap section";
        return state.members().values().stream()
                .filter(m -> m.canBootstrap() && !m.watchdogFailed())
                .filter(m -> m.term() == raft.term() && !m.name().equals(me))
                .findFirst()
                .map(m -> Decision.of(Reason.BOOTSTRAP_HANDOFF, "handing Raft leadership to " + m.name()
                        + ": " + why, new TransferLeadership(m.name())))
                .orElseGet(() -> Decision.of(Reason.BOOTSTRAP_NO_CANDIDATE,
                        "no action: no member with a bootstrap section has published its state yet"));
    }

    private Decision asInitializer(ClusterState state, RaftView raft, LocalPgState local) {
        if (local.failedActivity() == Activity.INITDB && !state.isInitialized()) {
            // Still the Raft leader after giving up, this member would claim again at once: let another
            // member with a bootstrap section try (it needs Raft leadership to claim).
            java.util.List<io.raftgres.core.decide.HaAction> actions = new java.util.ArrayList<>();
            actions.add(new AbortInitialize(raft.term()));
            state.members().values().stream()
                    .filter(m -> m.canBootstrap() && m.term() == raft.term() && !m.name().equals(config.memberName()))
                    .findFirst().ifPresent(m -> actions.add(new TransferLeadership(m.name())));
            actions.add(new RemoveDataDirectory());
            return new Decision(actions, Reason.BOOTSTRAP_FAILED, "bootstrap failed (" + local.lastFailure()
                    + "); giving up the initialize claim", -1);
        }
        if (!local.hasDataDirectory() && state.isInitialized()) {
            return Decision.of(Reason.BOOTSTRAP_DATA_LOST, "read-only: I initialized system " + state.systemId()
                    + " but its data directory is gone; restore it, the cluster has no other copy");
        }
        if (!local.hasDataDirectory() && local.watchdogUnusable()) {
            return Decision.of(Reason.WATCHDOG_UNUSABLE, "giving up the initialize claim: the watchdog is required"
                    + " but cannot be armed here", new AbortInitialize(raft.term()));
        }
        if (!local.hasDataDirectory()) {
            return Decision.of(Reason.BOOTSTRAP_INITDB, "initializing a new cluster: running initdb",
                    new ArmWatchdog(), new Bootstrap());
        }
        if (local.isWritablePrimary() && state.awaitsFirstLeader()) {
            return new Decision(java.util.List.of(new ClaimLeader(raft.term(), local.timeline(), local.writeLsn())),
                    Reason.BOOTSTRAP_FIRST_LEADER, "taking the first leader key for term " + raft.term()
                    + ": I initialized the cluster (system " + state.systemId() + ")", 0);
        }
        if (local.isWritablePrimary() && local.systemId() != null) {
            return new Decision(java.util.List.of(
                    new CompleteInitialize(raft.term(), local.systemId()),
                    new ClaimLeader(raft.term(), local.timeline(), local.writeLsn())),
                    Reason.BOOTSTRAP_COMPLETE, "initialized a new cluster (system " + local.systemId()
                    + "); taking the leader key for term " + raft.term(), 0);
        }
        return Decision.of(Reason.BOOTSTRAP_START_PRIMARY, "initializing: starting the new cluster's primary",
                new ArmWatchdog(), new StartPrimary());
    }
}
