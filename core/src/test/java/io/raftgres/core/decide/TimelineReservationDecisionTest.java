package io.raftgres.core.decide;

import static io.raftgres.core.decide.Fixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raftgres.core.decide.HaAction.Follow;
import io.raftgres.core.decide.HaAction.Rewind;
import io.raftgres.core.decide.HaAction.Stop;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.TimelineSwitch;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.Upstream;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rows of the decider table once promotions skip reserved timeline numbers (feature level 9). Seed 69's
 * end state: n3 promoted 2 -> 3 at 0/5000 and was cut off before recording it; n2, on 2, reserved 3 and
 * promoted 2 -> 4 at 0/4000 ({@code FORK}); the history has 2 (ended 1) and 4 (ended 2). The next
 * number is no longer "one above": rows marked "was" show what the rules answered while they assumed it
 * (ReplicaRules' {@code lastEntryFor(timeline + 1)} and {@code leaderTimeline == timeline + 1}), each
 * a member that never streams or a rewind loop; the simulation's seeds 1, 180, 192 and 1426 (and
 * silence-detector seed 412) ended so. With ReplicaRules as before this change exactly the eight rows
 * marked "was" fail (5 Dec 2026).
 */
class TimelineReservationDecisionTest {

    private static final long FORK = 0x4000;

    record Row(String behaviour, String me, ClusterState state, LocalPgState local, Reason reason, String summary,
               List<HaAction> actions) {
        @Override
        public String toString() {
            return behaviour;
        }
    }

    private static Row row(String behaviour, String me, ClusterState state, LocalPgState local, Reason reason,
                           String summary, HaAction... actions) {
        return new Row(behaviour, me, state, local, reason, summary, List.of(actions));
    }

    /** n2 runs the primary on timeline {@code primaryTimeline}, claimed on 2; {@code recorded}: its switch is in the history. */
    private static ClusterState n2Primary(int level, long primaryTimeline, boolean recorded) {
        ClusterState s = cluster("n2", TERM, member("n1", PgRole.REPLICA, "running", 3, 0x5000, TERM),
                member("n2", PgRole.PRIMARY, "running", primaryTimeline, 0x6000, TERM),
                member("n3", PgRole.STOPPED, "stopped", 2, 0x3000, TERM)).withFeatureLevel(level);
        s = s.withHistory(new TimelineSwitch(2, new Lsn(0x2000), "r", 0, "n1", 1, 3));
        s = s.withLeader(new LeaderRecord("n2", TERM, 2, new Lsn(FORK), primaryTimeline));
        return recorded ? s.withHistory(new TimelineSwitch(primaryTimeline, new Lsn(FORK), "r", 0, "n2", 2, TERM)) : s;
    }

    /**
     * Seed 1426: n1 recorded 3 (from 1 at {@code FORK}) and was cut off; n3 reserved 3 and promoted 1 -> 4 at
     * the same LSN; then 4 -> 5 and 5 -> 6, n2 now primary on 6 claimed on 5.
     */
    private static ClusterState siblings(int level) {
        ClusterState s = cluster("n2", TERM, member("n1", PgRole.REPLICA, "running", 3, FORK, TERM),
                member("n2", PgRole.PRIMARY, "running", 6, 0x6000, TERM),
                member("n3", PgRole.REPLICA, "running", 6, 0x6000, TERM)).withFeatureLevel(level);
        s = s.withHistory(new TimelineSwitch(3, new Lsn(FORK), "r", 0, "n1", 1, 2));
        s = s.withHistory(new TimelineSwitch(4, new Lsn(FORK), "r", 0, "n3", 1, 3));
        s = s.withHistory(new TimelineSwitch(5, new Lsn(0x4800), "r", 0, "n2", 4, 4));
        s = s.withHistory(new TimelineSwitch(6, new Lsn(0x5000), "r", 0, "n2", 5, 5));
        return s.withLeader(new LeaderRecord("n2", TERM, 5, new Lsn(0x5000), 6));
    }

    private static ClusterState seed69(int level) {
        return n2Primary(level, 4, true);
    }

    private static Upstream n2() {
        return new Upstream("n2", "127.0.0.1", 5434);
    }

    static Stream<Row> rows() {
        int reserving = FeatureLevel.TIMELINE_RESERVATION;
        return Stream.of(
                row("stops a replica on a lost branch that cannot stream (was: follows for ever)", "n1",
                        seed69(reserving), replica("n2", 3, 0x3800, false), Reason.STOP_DIVERGED_REPLICA,
                        "stopping: my timeline 3 is a branch off the primary's line to timeline 4; it must be rewound",
                        new Stop(StopMode.FAST)),
                row("rewinds a stopped member on a lost branch (was: starts as a replica)", "n1", seed69(reserving),
                        stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 3, 0x3800), Reason.REWIND,
                        "rewinding from n2: timeline 3 diverged from the primary's timeline 4", new Rewind(n2())),
                row("below level 9 a lost branch is judged as before", "n1", seed69(FeatureLevel.PAUSE_EXCLUDES_HANDOVER),
                        stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 3, 0x3800), Reason.START_REPLICA,
                        "starting as a replica of n2", new Follow(n2())),
                row("a streaming replica on the timeline the leader claimed on is on the line", "n3", seed69(reserving),
                        replica("n2", 2, 0x3000, true), Reason.REPLICA_FOLLOWING,
                        "no action: I am n3, a replica following n2"),
                row("rewinds a replica whose WAL went past the fork to the skipping timeline (was: starts)", "n3",
                        seed69(reserving), stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 2, 0x4800), Reason.REWIND,
                        "rewinding from n2: timeline 2 diverged from the primary's timeline 4", new Rewind(n2())),
                row("starts a replica short of that fork", "n3", seed69(reserving),
                        stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 2, 0x3000), Reason.START_REPLICA,
                        "starting as a replica of n2", new Follow(n2())),
                row("a former primary shut down at the fork needs no rewind (was: rewinds for ever)", "n3",
                        seed69(reserving), stopped(ControlState.SHUT_DOWN, 2, FORK), Reason.START_REPLICA,
                        "starting as a replica of n2", new Follow(n2())),
                row("the fork from my timeline is the next recorded one, whatever it names as ended (was: starts)",
                        "n3", seed69(reserving).withHistory(new TimelineSwitch(6, new Lsn(0x4400), "r", 0, "n2", 5, TERM)),
                        stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 4, 0x4800), Reason.REWIND,
                        "rewinding from n2: timeline 4 diverged from the primary's timeline 6", new Rewind(n2())),
                row("rewinds a member on a recorded sibling branch off the primary's line (was: starts)", "n1",
                        siblings(reserving), stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 3, FORK), Reason.REWIND,
                        "rewinding from n2: timeline 3 diverged from the primary's timeline 6", new Rewind(n2())),
                row("stops a running member on that sibling branch (was: follows for ever)", "n1", siblings(reserving),
                        replica("n2", 3, FORK, false), Reason.STOP_DIVERGED_REPLICA,
                        "stopping: my timeline 3 is a branch off the primary's line to timeline 6; it must be rewound", new Stop(StopMode.FAST)),
                row("a member on the primary's line below its timeline starts", "n3", siblings(reserving),
                        stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 4, 0x4200), Reason.START_REPLICA,
                        "starting as a replica of n2", new Follow(n2())),
                row("a former primary shut down waits for the skipping timeline's record (was: rewinds)", "n3",
                        n2Primary(reserving, 4, false), stopped(ControlState.SHUT_DOWN, 2, FORK),
                        Reason.WAITING_FOR_TIMELINE_HISTORY, "no action: waiting for n2 to record where timeline 4 began"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides(Row row) {
        Decision d = decider(row.me()).decide(view(row.state(), follower("n2")), row.local(), NOW);
        assertEquals(row.reason(), d.reason(), d.summary());
        assertEquals(row.summary(), d.summary());
        assertEquals(row.actions(), d.actions(), d.summary());
    }
}
