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
