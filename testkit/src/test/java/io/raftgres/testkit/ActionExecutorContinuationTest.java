package io.raftgres.testkit;

import io.raftgres.core.decide.Decision;
import io.raftgres.core.decide.HaAction;
import io.raftgres.core.decide.Reason;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.ha.ActionExecutor;
import io.raftgres.ha.AgentIdentity;
import io.raftgres.ha.ClusterStore;
import io.raftgres.ha.LocalTracker;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's {@link ActionExecutor} continues a decision on the Raft commit's answer instead of
 * blocking, on the HA loop's scheduler (here the simulation's, in simulated time): the actions
 * after a Raft command run only once it was accepted, a rejection or no answer within 3 s ends the
 * decision, and an answer after that never resumes it.
 *
 * <p>Shown to fail: with the executor's timeout task not completing the stage (the bounded wait
 * removed), {@link #noAnswerWithinTheWaitEndsTheDecisionForGood} failed ("given up after 3 s").
 */
class ActionExecutorContinuationTest {

    private final EventScheduler events = new EventScheduler(new FakeClock(0), new Trace(5));
    private final SimScheduler loop = new SimScheduler(events, "n1", "loop", () -> true);
    private final FakeVip vip = new FakeVip();
    private final List<CompletableFuture<ApplyResult>> answers = new ArrayList<>();
    private final List<Command> submitted = new ArrayList<>();
    private final Decision claimThenVip = Decision.of(Reason.LEADER_WITH_LEASE, "claim",
            new HaAction.ClaimLeader(3, 1, Lsn.ZERO), new HaAction.AddVip());

    @Test
    void actionsAfterACommandWaitForItsAcceptance() {
        CompletionStage<Void> done = executor().execute(claimThenVip);
        events.runFor(1_000);
        assertEquals(1, submitted.size());
        assertFalse(vip.isPresent(), "the VIP waits for the claim's commit");
        assertFalse(done.toCompletableFuture().isDone());

        answers.getFirst().complete(new ApplyResult(ClusterState.empty("t"), true, null));
        events.runFor(1);
        assertTrue(vip.isPresent(), "the claim committed: the decision went on");
        assertTrue(done.toCompletableFuture().isDone());
    }

    @Test
    void aRejectedCommandEndsTheDecision() {
        CompletionStage<Void> done = executor().execute(claimThenVip);
        answers.getFirst().complete(new ApplyResult(ClusterState.empty("t"), false, "the key is held"));
        events.runFor(1);
        assertTrue(done.toCompletableFuture().isDone());
        assertFalse(vip.isPresent());
    }

    @Test
    void noAnswerWithinTheWaitEndsTheDecisionForGood() {
        CompletionStage<Void> done = executor().execute(claimThenVip);
        events.runFor(2_999);
        assertFalse(done.toCompletableFuture().isDone(), "still waiting before 3 s");
        events.runFor(1);
        assertTrue(done.toCompletableFuture().isDone(), "given up after 3 s");

        answers.getFirst().complete(new ApplyResult(ClusterState.empty("t"), true, null));
        events.runFor(1_000);
        assertFalse(vip.isPresent(), "a late answer must not resume a decision that was given up");
    }

    /**
     * A demotion or handover must not run while the VIP is still on this host. Failed (the claim was
     * submitted at once, beside the VIP) when the executor called {@code remove()} and went on, as it did
     * before {@code VipControl.removal()}; the simulation's operator events then saw the VIP on two hosts
     * after switchovers (ONE_VIP_HOLDER, 20 of 300 seeds).
     */
    @Test
    void actionsAfterAVipRemovalWaitUntilItEnded() {
        CompletableFuture<Boolean> removed = new CompletableFuture<>();
        io.raftgres.core.spi.VipControl slowVip = new io.raftgres.core.spi.VipControl() {
            @Override public boolean isPresent() {
                return !removed.isDone();
            }

            @Override public boolean add() {
                throw new AssertionError("no add expected");
            }

            @Override public boolean remove() {
                throw new AssertionError("the executor waits for the removal");
            }

            @Override public boolean refresh(java.util.function.BooleanSupplier stillHolds) {
                return true;
            }

            @Override public CompletionStage<Boolean> removal() {
                return removed;
            }
        };
        executor(slowVip).execute(Decision.of(Reason.SWITCHOVER_HANDOVER, "handover", new HaAction.RemoveVip(),
                new HaAction.ClaimLeader(3, 1, Lsn.ZERO)));
        events.runFor(1_000);
        assertTrue(submitted.isEmpty(), "nothing after the removal runs before it ended");
        removed.complete(true);
        events.runFor(1);
        assertEquals(1, submitted.size());
    }

    /**
     * At the agent's shutdown the rest of a decision under way does not run: a claim answered after
     * {@code shutDown()} adds no VIP, and a decision to start PostgreSQL hands no operation to the
     * PostgreSQL thread (this test's throws if asked). Shown to fail: without the check in
     * {@code runFrom} the VIP was added after the shutdown began.
     */
    @Test
    void aShutdownRefusesWhatADecisionStillAsks() {
        ActionExecutor executor = executor();
        CompletionStage<Void> done = executor.execute(claimThenVip);
        executor.shutDown();
        answers.getFirst().complete(new ApplyResult(ClusterState.empty("t"), true, null));
        events.runFor(1);
        assertTrue(done.toCompletableFuture().isDone(), "the decision ended");
        assertFalse(vip.isPresent(), "no VIP added once the shutdown began");

        CompletableFuture<Void> start = executor.execute(Decision.of(Reason.LEADER_WITH_LEASE, "restart",
                new HaAction.StartPrimary())).toCompletableFuture();
        assertTrue(start.isDone() && !start.isCompletedExceptionally(), "refused without an error");
    }

    private ActionExecutor executor() {
        return executor(vip);
    }

    private ActionExecutor executor(io.raftgres.core.spi.VipControl vip) {
        AgentIdentity me = new AgentIdentity("t", "n1", "http://n1:8008", "n1:5010", "n1", 5432, MemberTags.DEFAULT,
                null, "test");
        FakePostgres pg = new FakePostgres("n1", events.clock(), (from, to) -> null, () -> "7000");
        return new ActionExecutor(me, new AnsweredByTheTest(), pg, vip, new FakeWatchdog(events.clock()),
                new LocalTracker(), operation -> { throw new AssertionError("no PostgreSQL operation expected"); },
                () -> { }, UnaryOperator.identity(), () -> true, loop, new SimClock(events.clock()));
    }

    /** Raft as the test answers it: each submission's future completes when the test says. */
    private final class AnsweredByTheTest implements ClusterStore {
        @Override public ClusterState state() {
            return ClusterState.empty("t");
        }

        @Override public RaftView view() {
            return new RaftView(3, RaftRole.LEADER, "n1", true, true, 0, true);
        }

        @Override public CompletableFuture<ApplyResult> submit(Command command) {
            CompletableFuture<ApplyResult> answer = new CompletableFuture<>();
            submitted.add(command);
            answers.add(answer);
            return answer;
        }

        @Override public CompletableFuture<Void> transferLeadership(String raftAddress, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override public void addListener(Runnable listener) {
        }
    }
}
