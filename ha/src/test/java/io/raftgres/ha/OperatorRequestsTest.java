package io.raftgres.ha;

import io.raftgres.core.model.Activity;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.Failures;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.OperatorRequest.Kind;
import io.raftgres.core.model.OperatorRequest.Step;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Steps advance only on what the HA loop observed; a failed step's job ends the request; one at a time. */
class OperatorRequestsTest {

    private static LocalPgState pg(boolean data, boolean running, Activity busy, Failures failures) {
        return new LocalPgState(data, "1", ControlState.SHUT_DOWN, running, false, 1, Lsn.ZERO, Lsn.ZERO, false,
                null, null, busy, null, Activity.NONE, -1, 150000, null).withFailures(failures);
    }

    private static final LocalPgState RUNNING = pg(true, true, Activity.NONE, Failures.NONE);
    private static final LocalPgState STOPPED = pg(true, false, Activity.NONE, Failures.NONE);

    @Test
    void aRestartStopsThenStartsAndSucceedsOnceRunningAgain() {
        AtomicInteger wakes = new AtomicInteger();
        OperatorRequests requests = new OperatorRequests(wakes::incrementAndGet);
        CompletableFuture<OperatorRequests.Outcome> done = requests.submit(Kind.RESTART, false);
        assertEquals(1, wakes.get(), "a new request wakes the loop");
        assertEquals(Step.STOP, requests.advance(RUNNING).step());
        assertEquals(Step.STOP, requests.advance(pg(true, true, Activity.STOPPING, Failures.NONE)).step(),
                "no step moves while a job runs");
        assertEquals(Step.START, requests.advance(STOPPED).step());
        assertFalse(done.isDone());
        assertNull(requests.advance(RUNNING));
        assertEquals(new OperatorRequests.Outcome(true, "restarted successfully"), done.join());
        assertNull(requests.inProgress());
    }

    @Test
    void aFailedStartEndsTheRequestWithTheReason() {
        OperatorRequests requests = new OperatorRequests(() -> { });
        CompletableFuture<OperatorRequests.Outcome> done = requests.submit(Kind.RESTART, false);
        requests.advance(RUNNING);
        assertEquals(Step.START, requests.advance(STOPPED).step());
        assertEquals(Step.START, requests.advance(STOPPED).step());
        Failures failed = Failures.NONE.failed(Activity.STARTING, 5, "pg_ctl exited 1");
        LocalPgState afterFailure = new LocalPgState(true, "1", ControlState.SHUT_DOWN, false, false, 1, Lsn.ZERO,
                Lsn.ZERO, false, null, null, Activity.NONE, "pg_ctl exited 1", Activity.STARTING, -1, 150000, null)
                .withFailures(failed);
        assertNull(requests.advance(afterFailure));
        assertEquals(new OperatorRequests.Outcome(false, "restart failed: pg_ctl exited 1"), done.join());
    }

    @Test
    void aReinitializeGoesThroughRemovalCloneAndStart() {
        OperatorRequests requests = new OperatorRequests(() -> { });
        CompletableFuture<OperatorRequests.Outcome> done = requests.submit(Kind.REINITIALIZE, false);
        assertEquals(Step.STOP, requests.advance(RUNNING).step());
        assertEquals(Step.REMOVE, requests.advance(STOPPED).step());
        LocalPgState noData = pg(false, false, Activity.NONE, Failures.NONE);
        assertEquals(Step.CLONE, requests.advance(noData).step());
        assertEquals(Step.START, requests.advance(STOPPED).step());
        assertNull(requests.advance(RUNNING));
        assertTrue(done.join().ok());
    }

    @Test
    void oneAtATimeUnlessForced() {
        OperatorRequests requests = new OperatorRequests(() -> { });
        CompletableFuture<OperatorRequests.Outcome> first = requests.submit(Kind.RESTART, false);
        assertNull(requests.submit(Kind.REINITIALIZE, false), "refused while a restart is in progress");
        assertEquals("restart", requests.inProgress());
        CompletableFuture<OperatorRequests.Outcome> forced = requests.submit(Kind.REINITIALIZE, true);
        assertEquals(new OperatorRequests.Outcome(false, "restart superseded by a forced reinitialize"), first.join());
        assertEquals("reinitialize", requests.inProgress());
        assertFalse(forced.isDone());
    }
}
