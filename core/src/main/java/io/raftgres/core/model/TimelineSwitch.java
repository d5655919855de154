package io.raftgres.core.model;

/**
 * One promotion: the new timeline, the WAL position at which the old one ended, why (the reason
 * PostgreSQL wrote into the new timeline's history file, or null), when (publisher's wall clock,
 * milliseconds), who became primary, the timeline that ended there (the parent: the one the new
 * primary was on when it claimed the leader key; Patroni's /history lists promotions by it), and
 * the term of the leader key under which it was recorded (0 when recorded below feature level
 * {@link FeatureLevel#TIMELINE_BRANCHES}). Member and term tell apart two promotions that reached
 * the same timeline number from the same parent at the same position.
 */
public record TimelineSwitch(long timeline, Lsn switchLsn, String reason, long atMillis, String newLeader,
                             long endedTimeline, long term) {

    /** A switch recorded without its leader-key term (below feature level 7). */
    public TimelineSwitch(long timeline, Lsn switchLsn, String reason, long atMillis, String newLeader,
                          long endedTimeline) {
        this(timeline, switchLsn, reason, atMillis, newLeader, endedTimeline, 0);
    }

    /** A switch whose ended timeline was not recorded (entries from before it was): the one before. */
    public TimelineSwitch(long timeline, Lsn switchLsn, String reason, long atMillis, String newLeader) {
        this(timeline, switchLsn, reason, atMillis, newLeader, timeline - 1);
    }

    /** Who promoted: {@link #newLeader()}. */
    public String member() {
        return newLeader;
    }
}
