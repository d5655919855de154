package io.raftgres.core.model;

/**
 * A requested switchover or manual failover in the replicated state (Patroni's {@code /failover}
 * key), from the request until the target took the leader key (then it is removed) or the attempt
 * was given up (then it stays, inactive, with {@link #failure} so the REST caller can say why).
 *
 * @param leader            the primary to switch away from; null for a manual failover (no
 *                          healthy primary when it was requested)
 * @param candidate         the member to switch to; null: the best one by the failover rules
 * @param scheduledAtMillis epoch milliseconds when it is due; 0 for "now"
 * @param requestedAtMillis epoch milliseconds of the request (the requester's clock), also its identity
 * @param handover          set by the old primary when it begins (naming its target), completed
 *                          once its PostgreSQL stopped cleanly and its VIP is gone; null before
 * @param failure           one sentence when it was given up; null while it is active
 */
public record Switchover(String leader, String candidate, long scheduledAtMillis, long requestedAtMillis,
                         Handover handover, String failure) {

    /**
     * The old primary's handover, committed by it in {@code term} (its leader key's term): first,
     * before it stops, naming {@code to} with a null {@code checkpoint}; then, once its PostgreSQL
     * stopped, the release with the shutdown checkpoint at {@code checkpoint} on {@code timeline}.
     *
     * @param to       the member the old primary hands Raft leadership to
     * @param atMillis epoch milliseconds when it was committed (the old primary's clock), for its time limit
     */
    public record Handover(String to, long term, Lsn checkpoint, long timeline, long atMillis) {

        /** The old primary stopped cleanly and released the primary role. */
        public boolean released() {
            return checkpoint != null;
        }
    }

    /** A request for now or at {@code scheduledAtMillis}, not begun. */
    public static Switchover requested(String leader, String candidate, long scheduledAtMillis,
                                       long requestedAtMillis) {
        return new Switchover(leader, candidate, scheduledAtMillis, requestedAtMillis, null, null);
    }

    /** Still to be carried out or being carried out. */
    public boolean active() {
        return failure == null;
    }

    /** A manual failover: requested while there was no healthy primary. */
    public boolean isFailover() {
        return leader == null;
    }

    public boolean scheduled() {
        return scheduledAtMillis > 0;
    }

    /** Due at wall-clock {@code nowMillis} (epoch ms). */
    public boolean dueAt(long nowMillis) {
        return scheduledAtMillis <= 0 || nowMillis >= scheduledAtMillis;
    }

    public Switchover withHandover(Handover next) {
        return new Switchover(leader, candidate, scheduledAtMillis, requestedAtMillis, next, failure);
    }

    public Switchover withFailure(String why) {
        return new Switchover(leader, candidate, scheduledAtMillis, requestedAtMillis, handover, why);
    }
}
