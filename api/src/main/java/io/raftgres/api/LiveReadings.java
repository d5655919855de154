package io.raftgres.api;

/**
 * Agent facts that are not part of {@link StatusSnapshot} but that {@code /metrics} shows, read
 * at scrape time. Each must be a field read (no PostgreSQL, no Raft round trip, no command):
 * it runs on a Netty event-loop thread.
 *
 * @param leaseRemainingMillis how long this member's Raft leader lease still holds, 0 when it
 *                             holds none (follower, candidate, or lapsed)
 * @param vipHeld              the VIP is on this host as far as the agent's last add, remove or
 *                             check saw
 * @param watchdogArmed        the watchdog is armed (this member runs or is becoming the primary)
 */
public record LiveReadings(long leaseRemainingMillis, boolean vipHeld, boolean watchdogArmed) {

    /** For a member without lease, VIP or watchdog (tests, or before the agent wires them). */
    public static final LiveReadings NONE = new LiveReadings(0, false, false);
}
