package io.raftgres.testkit;

import io.raftgres.core.decide.DeciderConfig;
import io.raftgres.core.decide.HaDecider;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.ha.ActionExecutor;
import io.raftgres.ha.AgentIdentity;
import io.raftgres.ha.ClusterStore;
import io.raftgres.ha.HaLoop;
import io.raftgres.ha.LocalTracker;
import io.raftgres.ha.MemberLiveness;
import io.raftgres.ha.MemberPublisher;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's {@link HaLoop} starts no cycle while the last one's actions still wait for Raft, however
 * often it is woken: two decisions never interleave (here a bootstrap claim that Raft does not answer,
 * on the simulation's scheduler). Wake-ups meanwhile bring the next cycle forward to the end of this one.
 *
 * <p>Shown to fail: without the loop's in-cycle checks (in {@code wake()} and {@code runCycle()}), each
 * wake-up ran a cycle of its own and the claim was submitted once per wake-up (4 claims, not 1).
 */
class HaLoopCycleTest {

    private final EventScheduler events = new EventScheduler(new FakeClock(0), new Trace(5));
    private final SimScheduler thread = new SimScheduler(events, "n1", "loop", () -> true);
    private final List<Command> submitted = new ArrayList<>();

    @Test
    void wakeUpsWhileActionsWaitForRaftStartNoSecondCycle() {
        HaLoop loop = loop();
        loop.start();
        events.runFor(10);
        assertEquals(1, claims(), "the first cycle claims the initialize key and waits for the answer");

        for (int i = 0; i < 3; i++) {
            loop.wake();
            events.runFor(300);
        }
        assertEquals(1, claims(), "woken three times while the claim waits: still one cycle");

        events.runFor(3_000);
        assertEquals(2, claims(), "after 3 s without an answer the cycle ended and the next one claimed again");
    }

    /**
     * {@code stop()} completes its stage only when the cycle in flight ended (here when its claim went
     * unanswered for 3 s), and no cycle starts after it: the agent stops PostgreSQL only then. Shown to
     * fail: with the stage completed at once in {@code stop()}, "still in flight" failed.
     */
    @Test
    void stopCompletesOnceTheCycleInFlightEnded() {
        HaLoop loop = loop();
        loop.start();
        events.runFor(10);
        assertEquals(1, claims(), "a cycle is in flight, waiting for its claim");

        CompletableFuture<Void> idle = loop.stop().toCompletableFuture();
        loop.wake();
        events.runFor(1_000);
        assertFalse(idle.isDone(), "the cycle is still in flight");
        events.runFor(2_500);
        assertTrue(idle.isDone(), "the cycle ended");
        events.runFor(5_000);
        assertEquals(1, claims(), "no cycle after the stop");
    }

    private long claims() {
        return submitted.stream().filter(c -> c instanceof Command.ClaimInitialize).count();
    }

    private HaLoop loop() {
        AgentIdentity me = new AgentIdentity("t", "n1", "http://n1:8008", "n1:5010", "n1", 5432, MemberTags.DEFAULT,
                null, "test");
        SimClock clock = new SimClock(events.clock());
        ClusterStore store = new Unanswered();
        FakePostgres pg = new FakePostgres("n1", events.clock(), (from, to) -> null, () -> "7000");
        LocalTracker tracker = new LocalTracker();
        HaLoop[] loop = new HaLoop[1];
        ActionExecutor executor = new ActionExecutor(me, store, pg, new FakeVip(), new FakeWatchdog(events.clock()),
                tracker, operation -> { throw new AssertionError("no PostgreSQL operation expected"); },
                () -> loop[0].wake(), UnaryOperator.identity(), () -> true, thread, clock);
        DeciderConfig config = new DeciderConfig("n1", true, MemberTags.DEFAULT, false, false, false, 1500, 0, 3);
        loop[0] = new HaLoop(me, store, pg, new HaDecider(config), executor,
                new MemberPublisher(me, store, () -> false, clock), tracker, clock, thread, new MemberLiveness(5_000));
        return loop[0];
    }

    /** A Raft leader with a lease over an empty cluster whose commands are never answered. */
    private final class Unanswered implements ClusterStore {
        @Override public ClusterState state() {
            return ClusterState.empty("t");
        }

        @Override public RaftView view() {
            return new RaftView(3, RaftRole.LEADER, "n1", true, true, 0, true);
        }

        @Override public CompletableFuture<ApplyResult> submit(Command command) {
            submitted.add(command);
            return new CompletableFuture<>();
        }

        @Override public CompletableFuture<Void> transferLeadership(String raftAddress, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override public void addListener(Runnable listener) {
        }
    }
}
