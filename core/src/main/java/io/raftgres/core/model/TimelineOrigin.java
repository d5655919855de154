package io.raftgres.core.model;

/**
 * Which promotion created a data directory's timeline, as far as the agent on that host knows:
 * it promoted to {@code timeline} itself while it held the leader key of {@code term}. Two
 * promotions can reach the same timeline number from the same parent at the same WAL position
 * (one cut off before the other's history file reached it); their history files are then alike,
 * and only who promoted in which term tells the branches apart. Compared with the replicated
 * history's {@link TimelineSwitch#member()}/{@link TimelineSwitch#term()} by the decider.
 */
public record TimelineOrigin(long timeline, String member, long term) {

    /** Whether the replicated {@code entry} for this timeline records a different promotion. */
    public boolean contradicts(TimelineSwitch entry) {
        return entry.timeline() == timeline && entry.term() > 0
                && (entry.term() != term || !member.equals(entry.newLeader()));
    }

    /**
     * The branch of {@code timeline} that the leader key's holder runs, as the replicated state
     * shows it: the history's newest entry for that number when it names the holder, or the
     * holder's leader key while its promotion is not recorded yet (corrected once it is). Null
     * when the state cannot tell: no leader key, timeline 1 or less, below feature level 7, an
     * entry recorded without its term, or an entry naming another member (the holder's own record
     * of a reused number is still to come). For data that came from the holder: streamed, copied
     * or rewound.
     */
    public static TimelineOrigin ofPrimary(ClusterState state, long timeline) {
        LeaderRecord leader = state.leader();
        if (leader == null || timeline <= 1 || state.featureLevel() < FeatureLevel.TIMELINE_BRANCHES) {
            return null;
        }
        TimelineSwitch entry = null;
        for (TimelineSwitch candidate : state.history()) {
            if (candidate.timeline() == timeline) {
                entry = candidate;
            }
        }
        if (entry == null) {
            return new TimelineOrigin(timeline, leader.member(), leader.term());
        }
        if (entry.term() <= 0 || !entry.member().equals(leader.member())) {
            return null;
        }
        return new TimelineOrigin(timeline, entry.member(), entry.term());
    }

    /** The text kept with the data directory: {@code timeline member term}. */
    public String toText() {
        return timeline + " " + member + " " + term;
    }

    /** Parses {@link #toText()}; null for a blank or malformed text (then nothing is known). */
    public static TimelineOrigin parse(String text) {
        if (text == null) {
            return null;
        }
        String[] parts = text.trim().split("\\s+");
        if (parts.length != 3) {
            return null;
        }
        try {
            return new TimelineOrigin(Long.parseLong(parts[0]), parts[1], Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
