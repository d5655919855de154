package io.raftgres.agent;

import io.raftgres.agent.config.RaftgresConfig;
import io.raftgres.core.decide.DeciderConfig;

import java.time.Duration;

/**
 * The new leader's takeover waits as this agent's configuration sets them (the lease gate, the VIP and
 * its lifetime): computed once here and handed to the decider ({@code DeciderConfig}); the rules behind
 * them are {@code SafetyTiming}'s. Stateless.
 */
final class TakeoverTiming {

    private TakeoverTiming() {
    }

    /**
     * The new leader's takeover wait: with the lease gate, a deposed primary may keep PostgreSQL and the VIP
     * behind its closed gate until its lapse rule's deadline, so the wait covers that (SafetyTiming explains).
     * Assumes the members agree on {@code lease_gate}, as the README asks.
     */
    static Duration takeoverDelay(RaftgresConfig config, RaftClusterStore raft) {
        return config.postgresql().leaseGate() ? config.raft().safety().takeoverDelayWithGate() : raft.takeoverDelay();
    }

    /**
     * The takeover wait counted from the new leader's proven last contact with the old one: {@code fromElection}, and
     * never before the old primary's VIP is surely gone when this cluster has one (SafetyTiming explains).
     */
    static Duration takeoverDelayFromContact(RaftgresConfig config, Duration fromElection) {
        return io.raftgres.core.timing.SafetyTiming.takeoverDelayFromContact(fromElection, vipGone(config));
    }

    /**
     * {@code fromElection}, never shorter than a VIP with a kernel lifetime needs (SafetyTiming explains). A VIP
     * without one is left to the fence and the watchdog, as before; the delay from the contact still covers its removal.
     */
    static Duration takeoverDelayFromElection(RaftgresConfig config, Duration fromElection) {
        return vipExpires(config)
                ? io.raftgres.core.timing.SafetyTiming.takeoverDelayFromElection(fromElection, vipGone(config))
                : fromElection;
    }

    /**
     * The waits while the cluster's feature level is below {@code VIP_LEASE_WINDOW}: a member on an older build may
     * renew its VIP until its lease's end, for which the VIP bound does not hold, so a new leader with a VIP that
     * expires waits from its election only, the delay of those builds ({@code lease}). Null (the same waits) without one.
     */
    static DeciderConfig.TakeoverWaits belowVipWindow(RaftgresConfig config, Duration lease) {
        return vipExpires(config) ? new DeciderConfig.TakeoverWaits(lease.toMillis(), DeciderConfig.NEVER_FROM_CONTACT)
                : null;
    }

    private static boolean vipExpires(RaftgresConfig config) {
        return config.vip() != null && !config.vip().lifetime().isZero();
    }

    /** How long after the old primary's last acknowledged heartbeat its VIP is surely gone; zero without a VIP. */
    private static Duration vipGone(RaftgresConfig config) {
        return config.vip() == null ? Duration.ZERO : config.raft().safety().vipGoneAfterHeartbeat(
                config.postgresql().leaseGate(), config.vip().control().removalBound(),
                config.vip().control().inFlightBound(), config.vip().lifetime());
    }
}
