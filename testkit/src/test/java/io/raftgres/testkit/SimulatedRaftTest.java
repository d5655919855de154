package io.raftgres.testkit;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.RaftRole;
import io.raftgres.statemachine.Command;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedRaftTest {

    private static final List<String> NODES = List.of("n1", "n2", "n3");

    private final FakeClock clock = new FakeClock(0);
    private final EventScheduler scheduler = new EventScheduler(clock, new Trace(20));
    private final SimulatedNetwork network = new SimulatedNetwork(scheduler, new SplittableRandom(3), NODES,
            SimulatedNetwork.DelayModel.DEFAULT);
    private final SimulatedRaft raft = new SimulatedRaft(scheduler, network, new SplittableRandom(4),
            RaftTiming.DEFAULT, ClusterState.empty("test"), Map.of(), RaftObserver.NONE);

    @Test
    void electsOneLeaderWithALeaseAndReplicatesCommittedState() {
        String leader = electLeader();
        assertEquals(1, NODES.stream().filter(n -> raft.view(n).role() == RaftRole.LEADER).count());
        assertTrue(raft.view(leader).isLeaderWithLease());
        String follower = NODES.stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        List<SubmitResult> results = new ArrayList<>();
        raft.submit(follower, publish(follower, raft.term(follower)), results::add);
        runUntil(() -> !results.isEmpty(), 2_000);
        assertTrue(results.getFirst().isSuccess(), results.toString());
        scheduler.runFor(500);
        for (String node : NODES) {
            MemberRecord record = raft.committedState(node).members().get(follower);
            assertNotNull(record, node + " did not apply the record");
            assertEquals(raft.term(leader), record.term(), "the entry term is stamped into the record");
        }
    }

    @Test
    void leaseOfAnIsolatedLeaderEndsLongBeforeAnyNewLeaderExists() {
        String old = electLeader();
        network.isolate(old);
        long leaseEnd = raft.leaseUntilMillis(old);
        runUntil(() -> NODES.stream().anyMatch(n -> !n.equals(old) && raft.view(n).role() == RaftRole.LEADER), 10_000);
        long electedAt = clock.nowMillis();
        RaftTiming t = RaftTiming.DEFAULT;
        assertTrue(electedAt >= leaseEnd + t.electionTimeoutMin() - t.leaseMillis(),
                "new leader at " + electedAt + " but the old lease ran until " + leaseEnd);
        assertFalse(raft.view(old).leaseValid());
    }

    @Test
    void isolatedLeaderStepsDownAfterLosingItsMajority() {
        String old = electLeader();
        long isolatedAt = clock.nowMillis();
        network.isolate(old);
        runUntil(() -> raft.view(old).role() != RaftRole.LEADER, 5_000);
        long after = clock.nowMillis() - isolatedAt;
        assertTrue(after >= RaftTiming.DEFAULT.electionTimeoutMax() && after <= 3_600, "stepped down after " + after);
    }

    @Test
    void preVoteKeepsARejoiningNodeFromDisruptingTheLeader() {
        String leader = electLeader();
        String loner = NODES.stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        long term = raft.term(loner);
        network.isolate(loner);
        scheduler.runFor(20_000);
        assertEquals(term, raft.term(loner), "an isolated node must not raise its term without a majority");
        network.reconnect(loner);
        scheduler.runFor(5_000);
        assertEquals(leader, raft.currentLeader());
        assertEquals(term, raft.term(leader));
    }

    @Test
    void refusesLeaderOnlyCommandsFromOtherMembers() {
        String leader = electLeader();
        String other = NODES.stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        long term = raft.term(leader);
        List<SubmitResult> results = new ArrayList<>();
        raft.submit(leader, new Command.ClaimLeader(other, term, 1, Lsn.ZERO), results::add);
        raft.submit(other, new Command.ClaimLeader(other, term, 1, Lsn.ZERO), results::add);
        raft.submit(leader, new Command.ClaimLeader(leader, term - 1, 1, Lsn.ZERO), results::add);
        runUntil(() -> results.size() == 3, 2_000);
        assertFalse(results.get(0).committed() || results.get(1).committed(), results.toString());
        assertTrue(results.get(2).committed() && !results.get(2).accepted(), "stale term must be rejected at apply");
        assertEquals(null, raft.committedState(leader).leader());
    }

    @Test
    void transferMakesTheTargetLeaderAtOnce() {
        String leader = electLeader();
        String target = NODES.stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        List<Boolean> done = new ArrayList<>();
        raft.transferLeadership(leader, target, done::add);
        runUntil(() -> !done.isEmpty(), 6_000);
        assertEquals(List.of(true), done);
        assertEquals(target, raft.currentLeader());
        assertTrue(clock.nowMillis() < 20_000);
    }

    @Test
    void restartedMemberKeepsTermAndLogAndCatchesUp() {
        String leader = electLeader();
        String member = NODES.stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        long term = raft.term(member);
        raft.kill(member);
        raft.submit(leader, publish(leader, raft.term(leader)), null);
        scheduler.runFor(1_000);
        raft.restart(member);
        assertEquals(term, raft.term(member));
        runUntil(() -> raft.committedState(member).members().containsKey(leader), 5_000);
        assertNotEquals(RaftRole.LEADER, raft.view(member).role());
    }

    private String electLeader() {
        raft.start();
        runUntil(() -> raft.currentLeader() != null && raft.view(raft.currentLeader()).isLeaderWithLease(), 10_000);
        return raft.currentLeader();
    }

    private void runUntil(BooleanSupplier condition, long maxMillis) {
        long until = clock.nowMillis() + maxMillis;
        while (!condition.getAsBoolean()) {
            assertTrue(clock.nowMillis() < until, "condition not met within " + maxMillis + " ms\n" + raft.describe());
            scheduler.runFor(5);
        }
    }

    private static Command publish(String member, long term) {
        MemberRecord record = new MemberRecord(member, "http://" + member, member + ":5010", member, 5432,
                PgRole.REPLICA, "running", 1, Lsn.ZERO, Lsn.ZERO, true, MemberTags.DEFAULT, false, false, "test", 0, 0);
        return new Command.PublishMember(member, term, record);
    }
}
