package io.raftgres.core.decide;

import io.raftgres.core.decide.HaAction.AbandonSwitchover;
import io.raftgres.core.decide.HaAction.AddVip;
import io.raftgres.core.decide.HaAction.ArmWatchdog;
import io.raftgres.core.decide.HaAction.BeginHandover;
import io.raftgres.core.decide.HaAction.ClaimLeader;
import io.raftgres.core.decide.HaAction.DemoteForSwitchover;
import io.raftgres.core.decide.HaAction.DisarmWatchdog;
import io.raftgres.core.decide.HaAction.EnsureSlots;
import io.raftgres.core.decide.HaAction.Follow;
import io.raftgres.core.decide.HaAction.Promote;
import io.raftgres.core.decide.HaAction.RecordTimelineSwitch;
import io.raftgres.core.decide.HaAction.RemoveVip;
import io.raftgres.core.decide.HaAction.StartPrimary;
import io.raftgres.core.decide.HaAction.TransferLeadership;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ClusterView;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.model.Switchover;
import io.raftgres.core.model.Switchover.Handover;
import io.raftgres.core.spi.Upstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static io.raftgres.core.decide.Fixtures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One row per branch of {@link SwitchoverRules} (and the replica's wait for the new timeline's
 * record): the reason, the exact actions in order, the sentence and when to look again. The
 * rows "... stopped uncleanly", "... not due" and "... claim by another" show where the usual rules
 * take over again. {@link #everySwitchoverReasonHasARow} keeps one row per new reason.
 *
 * <p>Shown to fail: with the handover's LSN check turned into "at or past the start" ({@code !checkpoint.isAfter(lsn)}) (a target whose
 * WAL ends at the checkpoint's start), the SWITCHOVER_WAIT_FOR_WAL row claims instead and fails.
 */
class SwitchoverDecisionTableTest {

    static final long WALL = 1_760_000_000_000L;
    static final long OLD_TERM = TERM - 1;

    record Row(String behaviour, String me, ClusterView view, LocalPgState local, Reason reason, String summary,
               long recheck, List<HaAction> actions) {
        @Override
        public String toString() {
            return behaviour;
        }
    }

    private static Row row(String behaviour, String me, ClusterState state, RaftView raft, LocalPgState local,
                           Reason reason, String summary, long recheck, HaAction... actions) {
        return new Row(behaviour, me, new ClusterView(state, raft, Set.of(), WALL, false), local, reason, summary, recheck,
                List.of(actions));
    }

    /** n1 primary in {@code keyTerm} at 6000, n2 replica at 6000, n3 replica at 5000; request {@code s}. */
    private static ClusterState withRequest(long keyTerm, Switchover s) {
        return cluster("n1", keyTerm, member("n1", PgRole.PRIMARY, "running", 1, 6000, TERM),
                replicaRecord("n2", 6000), replicaRecord("n3", 5000)).withSwitchover(s);
    }

    private static Switchover now(String candidate) {
        return Switchover.requested("n1", candidate, 0, WALL - 1000);
    }

    private static Switchover handedOver(long atMillis) {
        return now("n2").withHandover(new Handover("n2", OLD_TERM, new Lsn(6000), 1, atMillis));
    }

    private static Switchover failoverTo(String candidate) {
        return Switchover.requested(null, candidate, 0, WALL - 1000);
    }

    static Stream<Row> rows() {
        ClusterState lagging = withConfig(withRequest(TERM, now("n3")), 100, true);
        ClusterState waitingTimeline = cluster("n2", TERM, member("n2", PgRole.PRIMARY, "running", 2, 7000, TERM));
        return Stream.of(
                // ArmWatchdog first: before the simulation found it, a switchover due at a resume began with the
                // required watchdog still disarmed by the pause, on a primary that ran until the stop.
                row("the primary demotes for a due switchover to the named candidate", "n1", withRequest(TERM, now("n3")),
                        leaderWithLease("n1"), primary(1, 6000), Reason.SWITCHOVER_DEMOTE,
                        "switchover to n3: removing the VIP, checkpointing and stopping PostgreSQL (fast)", -1,
                        new ArmWatchdog(), new RemoveVip(), new BeginHandover(TERM, "n3", null, 1), new DemoteForSwitchover()),
                // Simulation seed 84 with operator events: a promotion whose record did not commit before the fence,
                // restarted in place under a new key and then switched over, never entered the history, and a
                // member whose WAL went past its fork waited forever as a replica that never streamed.
                row("... on a timeline the history lacks: records it first", "n1", withRequest(TERM, now("n3")),
                        leaderWithLease("n1"), primary(2, 6000), Reason.SWITCHOVER_DEMOTE,
                        "switchover to n3: removing the VIP, checkpointing and stopping PostgreSQL (fast)", -1,
                        new ArmWatchdog(), new RecordTimelineSwitch(TERM, 2, Lsn.ZERO, null), new RemoveVip(),
                        new BeginHandover(TERM, "n3", null, 2), new DemoteForSwitchover()),
                row("... without a candidate, to the best one (most WAL)", "n1", withRequest(TERM, now(null)),
                        leaderWithLease("n1"), primary(1, 6000), Reason.SWITCHOVER_DEMOTE,
                        "switchover to n2: removing the VIP, checkpointing and stopping PostgreSQL (fast)", -1,
                        new ArmWatchdog(), new RemoveVip(), new BeginHandover(TERM, "n2", null, 1), new DemoteForSwitchover()),
                row("... at the scheduled time", "n1", withRequest(TERM, Switchover.requested("n1", "n2", WALL, 1)),
                        leaderWithLease("n1"), primary(1, 6000), Reason.SWITCHOVER_DEMOTE,
                        "switchover to n2: removing the VIP, checkpointing and stopping PostgreSQL (fast)", -1,
                        new ArmWatchdog(), new RemoveVip(), new BeginHandover(TERM, "n2", null, 1), new DemoteForSwitchover()),
                row("... not before it: the primary goes on as usual", "n1",
                        withRequest(TERM, Switchover.requested("n1", "n2", WALL + 1, 1)), leaderWithLease("n1"),
                        primary(1, 6000), Reason.LEADER_WITH_LEASE, "no action: I am n1, the primary with the lease (term 7)",
                        -1, new ArmWatchdog(), new AddVip(), new EnsureSlots(Set.of("n2", "n3"))),
                row("a candidate lagging beyond maximum_lag_on_failover: given up", "n1", lagging, leaderWithLease("n1"),
                        primary(1, 6000), Reason.SWITCHOVER_NO_CANDIDATE, "giving up the switchover: n3 lags 1000 bytes "
                                + "behind the primary, maximum_lag_on_failover is 100", -1,
                        // Before the simulation found it (a resume, then this), the primary lost its VIP and
                        // ran with its watchdog disarmed until the abandon committed.
                        new ArmWatchdog(), new AddVip(), new AbandonSwitchover(TERM, "no healthy candidate: n3 lags "
                                + "1000 bytes behind the primary, maximum_lag_on_failover is 100")),
                row("the cleanly stopped primary records its release and hands over", "n1", withRequest(TERM, now("n2")),
                        leaderWithLease("n1"), stopped(ControlState.SHUT_DOWN, 1, 6000), Reason.SWITCHOVER_HANDOVER,
                        "switchover: PostgreSQL stopped with its shutdown checkpoint at 0/1770; handing the primary "
                                + "role and Raft leadership to n2", 1000,
                        new DisarmWatchdog(), new BeginHandover(TERM, "n2", new Lsn(6000), 1), new TransferLeadership("n2")),
                row("... the target named before the stop stays the target after it", "n1",
                        withRequest(TERM, now(null).withHandover(new Handover("n3", TERM, null, 1, WALL - 500))),
                        leaderWithLease("n1"), stopped(ControlState.SHUT_DOWN, 1, 6000), Reason.SWITCHOVER_HANDOVER,
                        "switchover: PostgreSQL stopped with its shutdown checkpoint at 0/1770; handing the primary "
                                + "role and Raft leadership to n3", 1000,
                        new DisarmWatchdog(), new BeginHandover(TERM, "n3", new Lsn(6000), 1), new TransferLeadership("n3")),
                row("... a manual failover while the primary runs is a switchover", "n1", withRequest(TERM, failoverTo("n2")),
                        leaderWithLease("n1"), primary(1, 6000), Reason.SWITCHOVER_DEMOTE,
                        "switchover to n2: removing the VIP, checkpointing and stopping PostgreSQL (fast)", -1,
                        new ArmWatchdog(), new RemoveVip(), new BeginHandover(TERM, "n2", null, 1), new DemoteForSwitchover()),
                row("a new leader finds a target named but no release: given up", "n2",
                        withRequest(OLD_TERM, now("n2").withHandover(new Handover("n2", OLD_TERM, null, 1, WALL - 500))),
                        freshLeader("n2"), replica("n1", 1, 6000, false), Reason.SWITCHOVER_INTERRUPTED,
                        "giving up the switchover: n1 lost Raft leadership before its PostgreSQL stopped", -1,
                        new AbandonSwitchover(TERM, "n1 lost Raft leadership before its PostgreSQL stopped")),
                row("... stopped uncleanly: no handover, the usual restart", "n1", withRequest(TERM, now("n2")),
                        leaderWithLease("n1"), stopped(ControlState.IN_PRODUCTION, 1, 6000), Reason.RESTART_PRIMARY,
                        "restarting PostgreSQL as primary in place (down for 1 s, primary_start_timeout 300 s)", -1,
                        new ArmWatchdog(), new StartPrimary()),
                row("the target holding the shutdown checkpoint claims at once (no takeover wait)", "n2",
                        withRequest(OLD_TERM, handedOver(WALL - 500)), freshLeader("n2"), replica("n1", 1, 6120, false),
                        Reason.SWITCHOVER_CLAIM, "taking the leader key for term 7 and promoting: n1 handed over after "
                                + "its shutdown checkpoint at 0/1770, which I received (0/17E8)", 0,
                        new ClaimLeader(TERM, 1, new Lsn(6120)), new ArmWatchdog(), new Promote()),
                row("... not received past the checkpoint's start yet: waits", "n2",
                        withRequest(OLD_TERM, handedOver(WALL - 500)), freshLeader("n2"), replica("n1", 1, 6000, false),
                        Reason.SWITCHOVER_WAIT_FOR_WAL, "no action: waiting until my PostgreSQL has received n1's "
                                + "shutdown checkpoint at 0/1770 (have 0/1770)", 50),
                row("... not received within 5 s: gives up and hands leadership back", "n2",
                        withRequest(OLD_TERM, handedOver(WALL - 500)), leaderWithLease("n2"), replica("n1", 1, 6000, false),
                        Reason.SWITCHOVER_CANDIDATE_BEHIND, "giving up the switchover: n2 did not receive the shutdown "
                                + "checkpoint at 0/1770 within 5 s; handing Raft leadership back to n1", -1,
                        new AbandonSwitchover(TERM, "n2 did not receive the shutdown checkpoint at 0/1770 within 5 s"),
                        new TransferLeadership("n1")),
                row("another leader passes leadership on to the target", "n3",
                        withRequest(OLD_TERM, handedOver(WALL - 500)), freshLeader("n3"), replica("n1", 1, 5000, false),
                        Reason.SWITCHOVER_PASS_ON, "switchover in progress: handing Raft leadership to n2", 1000,
                        new TransferLeadership("n2")),
                row("... beyond the handover's time limit: given up", "n1",
                        withRequest(OLD_TERM, handedOver(WALL - 10_000)), leaderWithLease("n1"),
                        stopped(ControlState.SHUT_DOWN, 1, 6000), Reason.SWITCHOVER_TIMED_OUT,
                        "giving up the switchover: n2 did not take over within 10 s", -1,
                        new AbandonSwitchover(TERM, "n2 did not take over within 10 s")),
                row("manual failover: a leader that is not the candidate hands leadership to it", "n3",
                        withRequest(OLD_TERM, failoverTo("n2")), leaderWithLease("n3"), replica("n1", 1, 5000, false),
                        Reason.FAILOVER_HANDOFF, "manual failover: handing Raft leadership to n2", 1000,
                        new TransferLeadership("n2")),
                row("... the candidate waits out the old primary's lease", "n2", withRequest(OLD_TERM, failoverTo("n2")),
                        freshLeader("n2"), replica("n1", 1, 6000, false), Reason.FAILOVER_TAKEOVER_WAIT,
                        "no action: manual failover to me; waiting 1520 ms until n1's lease has surely lapsed", 1520),
                row("... then takes the leader key", "n2", withRequest(OLD_TERM, failoverTo("n2")),
                        leaderWithLease("n2"), replica("n1", 1, 6000, false), Reason.FAILOVER_CLAIM,
                        "taking the leader key for term 7: manual failover to me", 0,
                        new ClaimLeader(TERM, 1, new Lsn(6000))),
                row("... a candidate tagged nofailover: given up", "n3", withRequest(OLD_TERM, failoverTo("n2"))
                                .withMember(member("n2", PgRole.REPLICA, "running", 1, 6000, TERM,
                                        new MemberTags(true, 1, false, false, java.util.Map.of()))),
                        leaderWithLease("n3"), replica("n1", 1, 5000, false), Reason.FAILOVER_CANDIDATE_UNFIT,
                        "giving up the manual failover: n2 is tagged nofailover", -1,
                        new AbandonSwitchover(TERM, "n2 is tagged nofailover")),
                row("the old primary waits for the new primary's timeline record (no rewind)", "n1", waitingTimeline,
                        follower("n2"), stopped(ControlState.SHUT_DOWN, 1, 6000), Reason.WAITING_FOR_TIMELINE_HISTORY,
                        "no action: waiting for n2 to record where timeline 2 began", -1),
                row("... then follows it without pg_rewind", "n1", withHistory(waitingTimeline, 2, 6120, "n2"),
                        follower("n2"), stopped(ControlState.SHUT_DOWN, 1, 6000), Reason.START_REPLICA,
                        "starting as a replica of n2", -1, new Follow(new Upstream("n2", "127.0.0.1", 5434)))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides(Row row) {
        Decision d = decider(row.me()).decide(row.view(), row.local(), NOW);
        assertEquals(row.reason(), d.reason(), d.summary());
        assertEquals(row.summary(), d.summary());
        assertEquals(row.actions(), d.actions(), d.summary());
        assertEquals(row.recheck(), d.recheckInMillis(), d.summary());
    }

    /** A leader key in the old term with a handover: the takeover wait is skipped only for its target. */
    @Test
    void withoutTheHandoverTheSameTargetWaitsOutTheLease() {
        ClusterState state = withRequest(OLD_TERM, null);
        Decision d = decider("n2").decide(new ClusterView(state, freshLeader("n2"), Set.of(), WALL, false),
                replica("n1", 1, 6120, false), NOW);
        assertTrue(d.reason() == Reason.TAKEOVER_WAIT || d.reason() == Reason.WAITING_FOR_FRESH_STATE, d.summary());
    }

    @Test
    void everySwitchoverReasonHasARow() {
        Set<Reason> missing = EnumSet.copyOf(SWITCHOVER_REASONS);
        rows().forEach(r -> missing.remove(r.reason()));
        assertTrue(missing.isEmpty(), "switchover reasons without a row: " + missing);
    }

    /** The reasons this table pins; HaDeciderTableTest counts them as covered here. */
    static final Set<Reason> SWITCHOVER_REASONS = EnumSet.of(Reason.WAITING_FOR_TIMELINE_HISTORY,
            Reason.SWITCHOVER_INTERRUPTED,
            Reason.SWITCHOVER_DEMOTE, Reason.SWITCHOVER_NO_CANDIDATE, Reason.SWITCHOVER_HANDOVER,
            Reason.SWITCHOVER_PASS_ON, Reason.SWITCHOVER_TIMED_OUT, Reason.SWITCHOVER_CLAIM,
            Reason.SWITCHOVER_WAIT_FOR_WAL, Reason.SWITCHOVER_CANDIDATE_BEHIND, Reason.FAILOVER_CANDIDATE_UNFIT,
            Reason.FAILOVER_HANDOFF, Reason.FAILOVER_TAKEOVER_WAIT, Reason.FAILOVER_CLAIM);
}
