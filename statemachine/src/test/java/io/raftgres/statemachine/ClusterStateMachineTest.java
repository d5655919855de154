package io.raftgres.statemachine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.PendingChange;
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
        int mostMembers = 0;
        for (int i = 0; i < log.size(); i++) {
            Entry e = log.get(i);
            straight = ClusterStateMachine.apply(straight, e.command(), e.entryTerm()).state();
            mostMembers = Math.max(mostMembers, straight.members().size());
            restored = ClusterStateMachine.apply(restored, e.command(), e.entryTerm()).state();
            if (i % 150 == 149) {
                restored = StateCodec.decode(StateCodec.encode(restored, e.entryTerm(), i + 1)).state();
            }
        }
        assertEquals(straight, restored);
        assertTrue(mostMembers > 0 && straight.config().version() > 0, "log exercised the state");
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
        assertFalse(ClusterStateMachine.apply(s, new Command.ClaimInitialize("n3", 3), 3).accepted());
    }

    /**
     * Issue 9 item 5: publishing the system identifier and taking the first leader key are two
     * entries. In between, the initializer must still own the new primary (the fence rules accept
     * it only as the initializer), and no one else may take the first leader key. Shown to fail
     * with the old apply: CompleteInitialize cleared the initializer, the primary had no owner.
     */
    @Test
    void theInitializerOwnsTheNewPrimaryUntilItTakesTheFirstLeaderKey() {
        ClusterState s = ClusterStateMachine.apply(EMPTY.withFeatureLevel(FeatureLevel.STRICT_APPLY),
                new Command.ClaimInitialize("n1", 1), 1).state();
        s = ClusterStateMachine.apply(s, new Command.CompleteInitialize("n1", 1, "111"), 1).state();
        assertEquals("n1", s.initializer());

        ApplyResult other = ClusterStateMachine.apply(s, new Command.ClaimLeader("n2", 2, 1, Lsn.ZERO), 2);
        assertFalse(other.accepted());
        assertTrue(other.rejection().contains("n1 initialized the cluster"), other.rejection());

        ClusterState led = ClusterStateMachine.apply(s, new Command.ClaimLeader("n1", 2, 1, Lsn.ZERO), 2).state();
        assertEquals("n1", led.leader().member());
        assertNull(led.initializer());
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
        ClusterState level3 = EMPTY.withFeatureLevel(FeatureLevel.DYNAMIC_CONFIG);
        ClusterState paused = ClusterStateMachine.apply(level3,
                new Command.SetConfig("n2", 1, CommandSamples.config(700).withPause(true), 0), 1).state();
        assertTrue(paused.paused());
        assertTrue(paused.config().pause());
        ClusterState resumed = ClusterStateMachine.apply(paused,
                new Command.SetConfig("n2", 1, paused.config().withPause(false), 1), 1).state();
        assertFalse(resumed.paused());
        assertTrue(StateCodec.decode(StateCodec.encode(paused, 1, 1)).state().paused());
    }

    /**
     * Below feature level 3 a build before it ignores pause and pendingRestart (unknown fields),
     * so this build drops them too and every replica computes the same state.
     */
    @Test
    void belowLevel3PauseAndPendingRestartAreDroppedAtApply() {
        ClusterState level2 = EMPTY.withFeatureLevel(FeatureLevel.STRICT_APPLY);
        ClusterState s = ClusterStateMachine.apply(level2,
                new Command.SetConfig("n2", 1, CommandSamples.config(700).withPause(true), 0), 1).state();
        assertFalse(s.paused());
        assertFalse(s.config().pause());
        MemberRecord record = CommandSamples.member("n2", 1, Lsn.ZERO)
                .withPendingRestart(java.util.Map.of("max_connections", new PendingChange("100", "200")));
        ClusterState published = ClusterStateMachine.apply(level2, new Command.PublishMember("n2", 1, record), 1).state();
        assertTrue(published.members().get("n2").pendingRestart().isEmpty());
        ClusterState at3 = ClusterStateMachine.apply(level2.withFeatureLevel(FeatureLevel.DYNAMIC_CONFIG),
                new Command.PublishMember("n2", 1, record), 1).state();
        assertEquals("200", at3.members().get("n2").pendingRestart().get("max_connections").newValue());
    }

    /** Below feature level 10 a build before it ignores a record's upstream, so this build drops it too. */
    @Test
    void belowLevel10TheUpstreamIsDroppedAtApply() {
        MemberRecord record = CommandSamples.member("n2", 1, Lsn.ZERO).withUpstream("n1");
        ClusterState level9 = EMPTY.withFeatureLevel(FeatureLevel.TIMELINE_RESERVATION);
        assertNull(ClusterStateMachine.apply(level9, new Command.PublishMember("n2", 1, record), 1).state()
                .members().get("n2").upstream());
        ClusterState at10 = ClusterStateMachine.apply(level9.withFeatureLevel(FeatureLevel.FINAL_POSITIONS),
                new Command.PublishMember("n2", 1, record), 1).state();
        assertEquals("n1", at10.members().get("n2").upstream());
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
        ApplyResult own = ClusterStateMachine.apply(EMPTY, new Command.PublishMember("n2", 9, record), 9);
        assertTrue(own.accepted());
        assertEquals(9, own.state().member("n2").orElseThrow().term());

        ApplyResult foreign = ClusterStateMachine.apply(EMPTY, new Command.PublishMember("n3", 9, record), 9);
        assertFalse(foreign.accepted());
        assertTrue(foreign.rejection().contains("n3 may only publish its own record"), foreign.rejection());
        assertTrue(foreign.state().members().isEmpty());
    }

    /**
     * Issue 9 item 10: a record gathered before an election but appended after it must not be
     * stamped with the new term (a new leader would take its WAL position for fresh). Failed
     * before the fix: the command's term was ignored and the record stamped with term 9.
     */
    @Test
    void publishMemberRefusesARecordGatheredInAnotherTerm() {
        var record = CommandSamples.member("n2", 1, Lsn.parse("0/100"));
        ClusterState strict = EMPTY.withFeatureLevel(FeatureLevel.STRICT_APPLY);
        ApplyResult stale = ClusterStateMachine.apply(strict, new Command.PublishMember("n2", 8, record), 9);
        assertFalse(stale.accepted());
        assertTrue(stale.rejection().contains("gathered in term 8 but appended in term 9"), stale.rejection());
        assertTrue(stale.state().members().isEmpty());
    }

    /** Below feature level 2 every build applies the rule of builds before feature levels. */
    @Test
    void belowLevelTwoApplyKeepsTheRulesOfOlderBuilds() {
        var record = CommandSamples.member("n2", 1, Lsn.parse("0/100"));
        assertTrue(ClusterStateMachine.apply(EMPTY, new Command.PublishMember("n2", 8, record), 9).accepted());
        ClusterState s = ClusterStateMachine.apply(EMPTY, new Command.ClaimInitialize("n1", 1), 1).state();
        s = ClusterStateMachine.apply(s, new Command.CompleteInitialize("n1", 1, "111"), 1).state();
        assertNull(s.initializer(), "older builds end the claim with the system identifier");
    }

    @Test
    void theFeatureLevelRisesOnlyToALevelEveryMemberSupports() {
        ClusterState s = ClusterStateMachine.apply(EMPTY,
                new Command.PublishMember("n1", 2, CommandSamples.member("n1", 1, Lsn.ZERO, 2)), 2).state();
        s = ClusterStateMachine.apply(s,
                new Command.PublishMember("n2", 2, CommandSamples.member("n2", 1, Lsn.ZERO)), 2).state();
        ApplyResult early = ClusterStateMachine.apply(s, new Command.SetFeatureLevel("n1", 2, 2), 2);
        assertFalse(early.accepted());
        assertTrue(early.rejection().contains("n2 supports feature level 1 only"), early.rejection());

        s = ClusterStateMachine.apply(s,
                new Command.PublishMember("n2", 2, CommandSamples.member("n2", 1, Lsn.ZERO, 2)), 2).state();
        ClusterState raised = ClusterStateMachine.apply(s, new Command.SetFeatureLevel("n1", 2, 2), 2).state();
        assertEquals(2, raised.featureLevel());
        assertFalse(ClusterStateMachine.apply(raised, new Command.SetFeatureLevel("n1", 2, 2), 2).accepted());
        assertFalse(ClusterStateMachine.apply(raised, new Command.SetFeatureLevel("n1", 2, 1), 2).accepted(),
                "never lowered");
        assertFalse(ClusterStateMachine.apply(s, new Command.SetFeatureLevel("n2", 1, 2), 2).accepted(),
                "leader-only: issued in the entry's term");
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
