package io.raftgres.core.model;

/**
 * One promotion: the new timeline, the WAL position at which the old one ended, why (the reason
 * PostgreSQL wrote into the new timeline's history file, or null), when (publisher's wall clock,
 * milliseconds), who became primary, and the timeline that ended there (the one the new primary
 * was on when it claimed the leader key; Patroni's /history lists promotions by it).
 */
public record TimelineSwitch(long timeline, Lsn switchLsn, String reason, long atMillis, String newLeader,
                             long endedTimeline) {

    /** A switch whose ended timeline was not recorded (entries from before it was): the one before. */
    public TimelineSwitch(long timeline, Lsn switchLsn, String reason, long atMillis, String newLeader) {
        this(timeline, switchLsn, reason, atMillis, newLeader, timeline - 1);
    }
}
