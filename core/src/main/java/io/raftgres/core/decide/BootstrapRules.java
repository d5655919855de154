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
import io.raftgres.core.model.MemberRecord;
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
 *
 * <p>A failed bootstrap is tried again after {@link RetryPolicy}'s back-off, at most
 * {@link RetryPolicy#BOOTSTRAP_ATTEMPTS} times in a row; then this member gives up (until its agent
 * restarts) and says why every cycle.
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
        if (RetryPolicy.bootstrapGivenUp(local.failures()) && !me.equals(initializer)) {
            return afterGivingUp(state, raft, local);
        }
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
        return readyToBootstrap(state, raft)
                .map(m -> Decision.of(Reason.BOOTSTRAP_HANDOFF, "handing Raft leadership to " + m + ": " + why,
                        new TransferLeadership(m)))
                .orElseGet(() -> Decision.of(Reason.BOOTSTRAP_NO_CANDIDATE,
                        "no action: no member that can initialize the cluster has published its state in this term"));
    }

    /**
     * Another member that may still bootstrap (its record, published in this term, says so): members
     * that gave up, or whose required watchdog cannot be armed, publish that they cannot, so
     * leadership never goes back and forth between them.
     */
    private java.util.Optional<String> readyToBootstrap(ClusterState state, RaftView raft) {
        return state.members().values().stream()
                .filter(m -> m.canBootstrap() && !m.watchdogFailed())
                .filter(m -> m.term() == raft.term() && !m.name().equals(config.memberName()))
                .map(MemberRecord::name)
                .findFirst();
    }

    /** This member's bootstrap failed {@link RetryPolicy#BOOTSTRAP_ATTEMPTS} times: it never claims again. */
    private Decision afterGivingUp(ClusterState state, RaftView raft, LocalPgState local) {
        String why = gaveUpWhy(local);
        if (raft.isLeaderWithLease()) {
            java.util.Optional<String> next = readyToBootstrap(state, raft);
            if (next.isPresent()) {
                return Decision.of(Reason.BOOTSTRAP_GAVE_UP_HANDOFF, "handing Raft leadership to " + next.get() + ": "
                        + why, new TransferLeadership(next.get()));
            }
        }
        return Decision.of(Reason.BOOTSTRAP_GAVE_UP, "no action: " + why + "; fix the cause and restart raftgres on "
                + config.memberName() + " to try again");
    }

    private static String gaveUpWhy(LocalPgState local) {
        return "bootstrap failed " + local.failures().count(Activity.INITDB) + " times here ("
                + local.failures().lastReason() + ")";
    }

    private Decision asInitializer(ClusterState state, RaftView raft, LocalPgState local) {
        if (RetryPolicy.bootstrapGivenUp(local.failures()) && !state.isInitialized()) {
            // Release the claim so that a member that can still bootstrap may claim it.
            java.util.List<HaAction> actions = new java.util.ArrayList<>();
            actions.add(new AbortInitialize(raft.term()));
            readyToBootstrap(state, raft).ifPresent(m -> actions.add(new TransferLeadership(m)));
            return new Decision(actions, Reason.BOOTSTRAP_FAILED, "giving up the initialize claim: " + gaveUpWhy(local),
                    -1);
        }
        if (local.failedActivity() == Activity.INITDB && local.hasDataDirectory() && !state.isInitialized()) {
            // A failed bootstrap removes what it created; this is a leftover it could not remove.
            return Decision.of(Reason.BOOTSTRAP_LEFTOVER, "removing what the failed bootstrap left in the data"
                    + " directory before trying again", new RemoveDataDirectory());
        }
        if (!local.hasDataDirectory() && state.isInitialized()) {
            return Decision.of(Reason.BOOTSTRAP_DATA_LOST, "read-only: I initialized system " + state.systemId()
                    + " but its data directory is gone; restore it, the cluster has no other copy");
        }
        if (!local.hasDataDirectory() && local.watchdogUnusable()) {
            return Decision.of(Reason.WATCHDOG_UNUSABLE_ABORT_INITIALIZE, "giving up the initialize claim: the watchdog is required"
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
