package io.raftgres.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.api.StatusSnapshot;
import io.raftgres.ha.AgentIdentity;
import io.raftgres.ha.ClusterStore;
import io.raftgres.ha.HaLoop;
import io.raftgres.ha.LocalTracker;
import io.raftgres.core.decide.Decision;
import io.raftgres.core.decide.Reason;
import io.raftgres.core.model.Activity;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 item 10: health checks are served from the last cycle's snapshot and never wait on
 * PostgreSQL. Shown to fail with the old AgentStatus, which ran the wal-sender and postmaster
 * queries on the calling (Netty) thread: the first snapshot() below then blocked until the
 * hung query returned.
 */
class AgentStatusTest {

    private final ExecutorService refresher = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        refresher.shutdownNow();
    }

    @Test
    void aHungPostgresNeverStallsASnapshot() throws Exception {
        CountDownLatch hung = new CountDownLatch(1);
        int[] queries = {0};
        AgentStatus status = new AgentStatus(identity(), () -> cycle(runningPrimary()), new Store(), local -> {
            queries[0]++;
            try {
                hung.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new AgentStatus.Extras(List.of(), 1234L, System.currentTimeMillis());
        }, refresher, new LocalTracker(), () -> false);

        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            StatusSnapshot s = status.snapshot();
            assertNull(s.postmasterStartMillis(), "nothing fetched yet");
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 1000, "20 snapshots took " + millis + " ms while PostgreSQL hangs");

        hung.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Long fetched = null;
        while (fetched == null && System.nanoTime() < deadline) {
            fetched = status.snapshot().postmasterStartMillis();
            Thread.sleep(10);
        }
        assertEquals(1234L, fetched, "served once the background refresh returned");
        assertEquals(1, queries[0], "one refresh in flight at a time, then fresh for a second");
    }

    private static AgentIdentity identity() {
        return new AgentIdentity("it", "n1", "http://127.0.0.1:8008", "127.0.0.1:5010", "127.0.0.1", 5432,
                MemberTags.DEFAULT, null, "test");
    }

    private static LocalPgState runningPrimary() {
        return new LocalPgState(true, "1", ControlState.IN_PRODUCTION, true, false, 1, Lsn.ZERO, Lsn.ZERO, false,
                null, null, Activity.NONE, null, Activity.NONE, -1, 150000, null);
    }

    private static HaLoop.Cycle cycle(LocalPgState local) {
        return new HaLoop.Cycle(ClusterState.empty("it"), view(), local,
                Decision.of(Reason.LEADER_WITH_LEASE, "primary"), System.currentTimeMillis());
    }

    private static RaftView view() {
        return new RaftView(3, RaftRole.LEADER, "n1", true, true, 0, true);
    }

    private static final class Store implements ClusterStore {
        @Override public ClusterState state() { return ClusterState.empty("it"); }
        @Override public RaftView view() { return AgentStatusTest.view(); }
        @Override public CompletableFuture<ApplyResult> submit(Command command) {
            throw new UnsupportedOperationException("the REST side never submits");
        }
        @Override public CompletableFuture<Void> transferLeadership(String raftAddress, Duration timeout) {
            throw new UnsupportedOperationException("the REST side never transfers leadership");
        }
        @Override public void addListener(Runnable listener) { }
    }
}
