package io.raftgres.statemachine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.Lsn;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClusterStateMachineTest {

    private static final ClusterState EMPTY = ClusterState.empty("demo");

    /** A command paired with the term of the log entry that carries it. */
    private record Entry(Command command, long entryTerm) {
    }

    private static List<Entry> randomLog(long seed, int length) {
        Random rnd = new Random(seed);
        List<Entry> log = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            Command command = CommandSamples.random(rnd);
            long entryTerm = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(4) : command.term();
            log.add(new Entry(command, entryTerm));
        }
        return log;
    }

    @Test
    void applyIsDeterministicOverSeededRandomLogs() {
        int accepted = 0;
        int rejected = 0;
        for (long seed = 1; seed <= 25; seed++) {
            List<Entry> log = randomLog(seed, 400);
            ClusterState a = ClusterState.empty("demo");
            ClusterState b = ClusterState.empty("demo");
            for (Entry e : log) {
                ApplyResult ra = ClusterStateMachine.apply(a, e.command(), e.entryTerm());
                // the second replica reads the command back from its log bytes, as Ratis replicas do
                Command replica = CommandCodec.decode(CommandCodec.encode(e.command()));
                ApplyResult rb = ClusterStateMachine.apply(b, replica, e.entryTerm());
                assertEquals(ra, rb, "seed " + seed);
                a = ra.state();
                b = rb.state();
                if (ra.accepted()) {
                    accepted++;
                } else {
                    rejected++;
                    assertTrue(ra.rejection() != null && !ra.rejection().isBlank());
                }
            }
            assertEquals(a, b);
            assertArrayEquals(StateCodec.encode(a, 4, log.size()), StateCodec.encode(b, 4, log.size()));
        }
        assertTrue(accepted > 1000 && rejected > 1000, "accepted " + accepted + ", rejected " + rejected);
    }

    @Test
    void restoringASnapshotMidwayReachesTheSameState() {
        List<Entry> log = randomLog(42, 600);
        ClusterState straight = EMPTY;
        ClusterState restored = EMPTY;
        for (int i = 0; i < log.size(); i++) {
            Entry e = log.get(i);
            straight = ClusterStateMachine.apply(straight, e.command(), e.entryTerm()).state();
            restored = ClusterStateMachine.apply(restored, e.command(), e.entryTerm()).state();
            if (i % 150 == 149) {
                restored = StateCodec.decode(StateCodec.encode(restored, e.entryTerm(), i + 1)).state();
            }
        }
        assertEquals(straight, restored);
        assertTrue(straight.members().size() > 0 && straight.config().version() > 0, "log exercised the state");
    }

    @Test
    void leaderOnlyCommandAppendedInAnotherTermIsRejected() {
        ApplyResult r = ClusterStateMachine.apply(EMPTY, new Command.ClaimLeader("n1", 3, 1, Lsn.ZERO), 4);
        assertFalse(r.accepted());
        assertSame(EMPTY, r.state());
        assertTrue(r.rejection().contains("term 3") && r.rejection().contains("term 4"), r.rejection());
    }

    @Test
    void leaderOnlyCommandOlderThanTheLeaderKeyIsRejected() {
        ClusterState led = ClusterStateMachine.apply(EMPTY, new Command.ClaimLeader("n1", 5, 1, Lsn.ZERO), 5).state();
        ApplyResult stale = ClusterStateMachine.apply(led, new Command.ClaimLeader("n2", 4, 1, Lsn.ZERO), 4);
        assertFalse(stale.accepted());
        assertTrue(stale.rejection().contains("older than the leader key's term 5"), stale.rejection());
        assertEquals("n1", stale.state().leader().member());
        assertFalse(ClusterStateMachine.apply(led, new Command.LeaseHeartbeat("n2", 4), 4).accepted());
        ApplyResult newer = ClusterStateMachine.apply(led, new Command.ClaimLeader("n2", 6, 2, Lsn.ZERO), 6);
        assertTrue(newer.accepted());
        assertEquals(6, newer.state().leader().term());
    }

    @Test
    void leaseHeartbeatChangesNothing() {
        ApplyResult r = ClusterStateMachine.apply(EMPTY, new Command.LeaseHeartbeat("n1", 2), 2);
        assertTrue(r.accepted());
        assertSame(EMPTY, r.state());
    }

    @Test
    void bootstrapRaceFirstClaimWinsNewerTermTakesOverAndOnlyTheInitializerCompletes() {
        ClusterState s = ClusterStateMachine.apply(EMPTY, new Command.ClaimInitialize("n1", 1), 1).state();
        assertEquals("n1", s.initializer());
        ApplyResult second = ClusterStateMachine.apply(s, new Command.ClaimInitialize("n2", 1), 1);
        assertFalse(second.accepted());
        assertTrue(second.rejection().contains("n1 is already initializing"), second.rejection());

        ApplyResult takeover = ClusterStateMachine.apply(s, new Command.ClaimInitialize("n2", 2), 2);
        assertTrue(takeover.accepted());
        s = takeover.state();
        assertEquals("n2", s.initializer());
        assertEquals(2, s.initTerm());

        ApplyResult loser = ClusterStateMachine.apply(s, new Command.CompleteInitialize("n1", 2, "111"), 2);
        assertFalse(loser.accepted());
        assertTrue(loser.rejection().contains("n1 did not win"), loser.rejection());
        assertFalse(ClusterStateMachine.apply(s, new Command.CompleteInitialize("n2", 2, " "), 2).accepted());

        s = ClusterStateMachine.apply(s, new Command.CompleteInitialize("n2", 2, "222"), 2).state();
        assertEquals("222", s.systemId());
        assertNull(s.initializer());
        assertFalse(ClusterStateMachine.apply(s, new Command.ClaimInitialize("n3", 3), 3).accepted());
    }

    @Test
    void onlyTheClaimHolderMayAbortInitialization() {
        ClusterState s = ClusterStateMachine.apply(EMPTY, new Command.ClaimInitialize("n1", 1), 1).state();
        assertFalse(ClusterStateMachine.apply(s, new Command.AbortInitialize("n2", 1), 1).accepted());
        ClusterState aborted = ClusterStateMachine.apply(s, new Command.AbortInitialize("n1", 1), 1).state();
        assertNull(aborted.initializer());
        assertTrue(ClusterStateMachine.apply(aborted, new Command.ClaimInitialize("n2", 1), 1).accepted());
    }

    @Test
    void setConfigIsCompareAndSet() {
        ClusterState s = ClusterStateMachine.apply(EMPTY, new Command.SetConfig("n2", 1, CommandSamples.config(700), 0), 1)
                .state();
        assertEquals(1, s.config().version());
        assertEquals(700, s.config().loopWaitMillis());
        ApplyResult stale = ClusterStateMachine.apply(s, new Command.SetConfig("n3", 1, CommandSamples.config(900), 0), 1);
        assertFalse(stale.accepted());
        assertTrue(stale.rejection().contains("config version is 1, not 0"), stale.rejection());
        assertEquals(700, stale.state().config().loopWaitMillis());
        ClusterState forced = ClusterStateMachine.apply(s, new Command.SetConfig("n3", 1, CommandSamples.config(900), -1), 1)
                .state();
        assertEquals(2, forced.config().version());
        assertEquals(900, forced.config().loopWaitMillis());
    }

    /** Pause is a dynamic-config key: the committed config's pause is the state's paused flag, both ways. */
    @Test
    void pauseFollowsTheCommittedConfig() {
        ClusterState paused = ClusterStateMachine.apply(EMPTY,
                new Command.SetConfig("n2", 1, CommandSamples.config(700).withPause(true), 0), 1).state();
        assertTrue(paused.paused());
        assertTrue(paused.config().pause());
        ClusterState resumed = ClusterStateMachine.apply(paused,
                new Command.SetConfig("n2", 1, paused.config().withPause(false), 1), 1).state();
        assertFalse(resumed.paused());
        assertTrue(StateCodec.decode(StateCodec.encode(paused, 1, 1)).state().paused());
    }

    @Test
    void seedConfigAppliesOnlyOnce() {
        ClusterState s = ClusterStateMachine.apply(EMPTY, new Command.SeedConfig("n1", 1, CommandSamples.config(800)), 1)
                .state();
        assertEquals(1, s.config().version());
        assertFalse(ClusterStateMachine.apply(s, new Command.SeedConfig("n1", 1, CommandSamples.config(900)), 1)
                .accepted());
    }

    @Test
    void publishMemberStampsTheEntryTermAndRefusesAnotherMembersRecord() {
        var record = CommandSamples.member("n2", 1, Lsn.parse("0/100"));
        ApplyResult own = ClusterStateMachine.apply(EMPTY, new Command.PublishMember("n2", 1, record), 9);
        assertTrue(own.accepted());
        assertEquals(9, own.state().member("n2").orElseThrow().term());

        ApplyResult foreign = ClusterStateMachine.apply(EMPTY, new Command.PublishMember("n3", 9, record), 9);
        assertFalse(foreign.accepted());
        assertTrue(foreign.rejection().contains("n3 may only publish its own record"), foreign.rejection());
        assertTrue(foreign.state().members().isEmpty());
    }

    @Test
    void timelineSwitchNeedsTheLeaderKeyAndANewerTimeline() {
        ClusterState led = ClusterStateMachine.apply(EMPTY, new Command.ClaimLeader("n1", 2, 1, Lsn.ZERO), 2).state();
        var byOther = new Command.RecordTimelineSwitch("n2", 2, 2, Lsn.parse("0/10"), "promote", 1);
        assertFalse(ClusterStateMachine.apply(led, byOther, 2).accepted());
        var sameTimeline = new Command.RecordTimelineSwitch("n1", 2, 1, Lsn.parse("0/10"), "promote", 1);
        assertFalse(ClusterStateMachine.apply(led, sameTimeline, 2).accepted());
        var good = new Command.RecordTimelineSwitch("n1", 2, 2, Lsn.parse("0/10"), "promote", 1);
        ClusterState switched = ClusterStateMachine.apply(led, good, 2).state();
        assertEquals(1, switched.history().size());
        assertEquals("n1", switched.history().getFirst().newLeader());
        assertEquals(1, switched.history().getFirst().endedTimeline());
    }

    /**
     * The ended timeline is the one the promoted member claimed the leader key on, which need not
     * be the new one minus one (PostgreSQL skips timelines it finds history files for).
     */
    @Test
    void timelineSwitchRecordsTheTimelineTheLeaderClaimedOn() {
        ClusterState led = ClusterStateMachine.apply(EMPTY, new Command.ClaimLeader("n1", 4, 2, Lsn.ZERO), 4).state();
        var skipped = new Command.RecordTimelineSwitch("n1", 4, 5, Lsn.parse("0/20"), "no recovery target specified", 1);
        assertEquals(2, ClusterStateMachine.apply(led, skipped, 4).state().history().getFirst().endedTimeline());
        ClusterState unknownClaim = ClusterStateMachine.apply(EMPTY, new Command.ClaimLeader("n1", 4, 0, Lsn.ZERO), 4)
                .state();
        assertEquals(4, ClusterStateMachine.apply(unknownClaim, skipped, 4).state().history().getFirst().endedTimeline());
    }

    @Test
    void removeMemberRejectsUnknownNames() {
        ClusterState s = ClusterStateMachine.apply(EMPTY,
                new Command.PublishMember("n2", 1, CommandSamples.member("n2", 1, Lsn.ZERO)), 1).state();
        assertFalse(ClusterStateMachine.apply(s, new Command.RemoveMember("n1", 1, "n7"), 1).accepted());
        assertTrue(ClusterStateMachine.apply(s, new Command.RemoveMember("n1", 1, "n2"), 1).state().members().isEmpty());
    }
}
