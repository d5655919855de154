package io.raftgres.core.model;

/**
 * One promotion: the new timeline, the WAL position at which the old one ended, why, when
 * (publisher's wall clock, milliseconds), and who became primary.
 */
public record TimelineSwitch(long timeline, Lsn switchLsn, String reason, long atMillis, String newLeader) {
}
