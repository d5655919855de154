package io.raftgres.core.model;

/**
 * Which timeline numbers a promotion must not take (feature level 9). PostgreSQL picks its new
 * timeline as one above the highest {@code <timeline>.history} file it finds in an unbroken run
 * above its own; it cannot know a number that another member's promotion took just before that
 * member was cut off, before it recorded the switch in Raft (the record follows the VIP). Two
 * promotions then make two different "timeline 3"s branching from the same parent, possibly at
 * the same LSN, and a member on the lost one looks like a lagging replica of the other for ever
 * (simulation seed 69 with the silence detector); pg_rewind finds nothing to rewind either.
 *
 * <p>So every leader claim raises a replicated ceiling, the highest timeline number any promotion
 * under that key or an earlier one may have created, and a member reserves every number up to it
 * (placeholder history files) before it promotes. The rule, by induction over the claims in log
 * order: if each promoter reserved everything that earlier claims may have created, a promotion
 * under claim {@code j} on timeline {@code C} creates at most {@code max(ceiling before j, C) + 1}.
 * <ul>
 *   <li>A new holder may promote: ceiling {@code max(before, C) + 1}.</li>
 *   <li>The holder claiming again (re-elected): its own earlier claim already counted its one
 *       promotion; it counts one more only when it is on the newest number itself, where a
 *       writable primary costs one skipped number at the next failover and a replica there
 *       would create {@code C + 1}: {@code max(before, C + 1)}.</li>
 *   <li>The first key, the initializer's: its primary runs since initdb, nothing promotes:
 *       {@code max(before, C)}.</li>
 * </ul>
 * "Before" is the previous key's ceiling and the last recorded timeline (a key claimed below
 * level 9 has none: promotions never recorded before the upgrade stay unknown, as they were).
 * A claim that promotes nothing (a stopped primary restarted in place) costs at most one unused
 * number; the rule needs no new command field, so it is the same on every member from the log.
 */
public final class TimelineCeiling {

    private TimelineCeiling() {
    }

    /** The ceiling the state machine stores with {@code member}'s claim on {@code timeline} (level 9 on). */
    public static long afterClaim(ClusterState state, String member, long timeline) {
        long before = before(state);
        LeaderRecord key = state.leader();
        if (key == null && state.awaitsFirstLeader()) {
            return Math.max(before, timeline);
        }
        if (key != null && key.member().equals(member)) {
            return Math.max(before, timeline + 1);
        }
        return Math.max(before, timeline) + 1;
    }

    /**
     * The highest timeline number {@code member} reserves before it promotes, or 0 when nothing is
     * tracked (below feature level 9). Holding the key, its own promotion is what the key's ceiling
     * counted last, so everything below the ceiling may be another's: reserving it makes PostgreSQL
     * pick the ceiling itself (or above, if it knows a higher file). Not holding it (the executor
     * refuses such a promotion anyway), everything up to the key's ceiling.
     */
    public static long reserveUpTo(ClusterState state, String member) {
        LeaderRecord key = state.leader();
        if (key == null || key.timelineCeiling() == 0) {
            return 0;
        }
        return key.member().equals(member) ? Math.max(lastRecorded(state), key.timelineCeiling() - 1)
                : before(state);
    }

    private static long before(ClusterState state) {
        long previous = state.leader() == null ? 0 : state.leader().timelineCeiling();
        return Math.max(previous, lastRecorded(state));
    }

    private static long lastRecorded(ClusterState state) {
        return state.history().isEmpty() ? 1 : state.history().getLast().timeline();
    }
}
