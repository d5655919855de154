package io.raftgres.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.timing.SafetyTiming;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RaftLeaseTest {

    /** A monotonic clock the test moves by hand. */
    static final class FakeClock implements LongSupplier {
        private long nanos = 1_000_000_000L;

        void advanceMillis(long millis) {
            nanos += TimeUnit.MILLISECONDS.toNanos(millis);
        }

        @Override
        public long getAsLong() {
            return nanos;
        }
    }

    /** The local server's leadership as the test sets it. */
    static final class FakeLeaderStatus implements RaftLease.LeaderStatus {
        boolean leader = true;
        boolean ready = true;
        long term = 3;

        @Override
        public boolean isLeader() {
            return leader;
        }

        @Override
        public boolean isLeaderReady() {
            return leader && ready;
        }

        @Override
        public long term() {
            return term;
        }
    }

    /** Records heartbeat commits; the test decides when and how each one completes. */
    static final class FakeCommitter implements RaftLease.HeartbeatCommitter {
        final List<CompletableFuture<Boolean>> pending = new ArrayList<>();
        final List<Long> terms = new ArrayList<>();

        @Override
        public CompletableFuture<Boolean> commitHeartbeat(long term) {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            pending.add(f);
            terms.add(term);
            return f;
        }
    }

    private final FakeClock clock = new FakeClock();
    private final FakeLeaderStatus status = new FakeLeaderStatus();
    private final FakeCommitter committer = new FakeCommitter();
    private RaftLease lease;

    @BeforeEach
    void setUp() {
        RaftNodeConfig config = RaftNodeConfig.withDefaults("n1", "127.0.0.1:5010", List.of("127.0.0.1:5010"),
                "demo", Path.of("/tmp/unused"));
        lease = new RaftLease(config, status, committer, clock);
    }

    @Test
    void isInvalidUntilAHeartbeatCommits() {
        assertFalse(lease.isValid());
        lease.tick();
        assertEquals(List.of(3L), committer.terms);
        assertFalse(lease.isValid());
        committer.pending.getFirst().complete(true);
        assertTrue(lease.isValid());
    }

    @Test
    void lastsFromTheSendTimeNotTheCommitTime() {
        lease.tick();
        clock.advanceMillis(600);
        committer.pending.getFirst().complete(true);
        clock.advanceMillis(399);
        assertTrue(lease.isValid());
        assertEquals(1, TimeUnit.NANOSECONDS.toMillis(lease.remainingNanos()));
        clock.advanceMillis(1);
        assertFalse(lease.isValid(), "expires at send time + L");
    }

    @Test
    void aLateReplyForAnOlderHeartbeatNeverShortensTheLease() {
        lease.tick();
        clock.advanceMillis(250);
        lease.tick();
        committer.pending.get(1).complete(true);
        committer.pending.get(0).complete(true);
        clock.advanceMillis(999);
        assertTrue(lease.isValid(), "second heartbeat's expiry (send + 1000 ms) still holds");
        clock.advanceMillis(1);
        assertFalse(lease.isValid());
    }

    @Test
    void termChangeDropsTheLeaseAndOldRepliesGrantNothing() {
        lease.tick();
        committer.pending.getFirst().complete(true);
        lease.tick();
        assertTrue(lease.isValid());
        status.term = 4;
        assertFalse(lease.isValid(), "a new term invalidates at once");
        committer.pending.get(1).complete(true);
        assertFalse(lease.isValid(), "a term-3 heartbeat cannot grant a term-4 lease");
        lease.tick();
        assertEquals(4L, committer.terms.getLast());
        committer.pending.getLast().complete(true);
        assertTrue(lease.isValid());
    }

    @Test
    void stepDownDropsTheLeaseAndANewTermStartsWithout() {
        lease.tick();
        committer.pending.getFirst().complete(true);
        status.leader = false;
        assertFalse(lease.isValid());
        lease.tick();
        assertEquals(1, committer.pending.size(), "no heartbeat while not leader");
        status.leader = true;
        status.term = 5;
        assertFalse(lease.isValid());
    }

    @Test
    void aReplyArrivingAfterStepDownGrantsNothing() {
        lease.tick();
        status.leader = false;
        committer.pending.getFirst().complete(true);
        status.leader = true;
        assertFalse(lease.isValid());
    }

    @Test
    void rejectedOrFailedHeartbeatsDoNotExtend() {
        lease.tick();
        lease.tick();
        committer.pending.get(0).complete(false);
        committer.pending.get(1).completeExceptionally(new SubmitException("not committed"));
        assertFalse(lease.isValid());
    }

    @Test
    void sendsNothingBeforeLeaderReady() {
        status.ready = false;
        lease.tick();
        assertTrue(committer.pending.isEmpty());
    }

    @Test
    void boundsHeartbeatsInFlight() {
        for (int i = 0; i < 10; i++) {
            lease.tick();
        }
        assertEquals(RaftLease.MAX_IN_FLIGHT, committer.pending.size());
        committer.pending.getFirst().complete(true);
        lease.tick();
        assertEquals(RaftLease.MAX_IN_FLIGHT + 1, committer.pending.size());
    }

    @Test
    void takeoverDelayCoversLeaseCheckFenceAndDrift() {
        assertEquals(Duration.ofMillis(1620), lease.takeoverDelay());
    }

    /**
     * The takeover delay adds the configured check interval and fence budget: before SafetyTiming
     * it added fixed 100 and 500 ms, so this gave 3000 + 100 + 500 + 40 = 3640 ms while the guard
     * fenced within 3000 + 400 + 800 + 40 ms.
     */
    @Test
    void takeoverDelayUsesTheConfiguredCheckIntervalAndFenceBudget() {
        RaftNodeConfig config = new RaftNodeConfig("n1", "127.0.0.1:5010", List.of("127.0.0.1:5010"), "demo",
                Path.of("/tmp/unused"), SafetyTiming.ofMillis(4000, 5000, 500, 3000, 50, 800));
        RaftLease custom = new RaftLease(config, status, committer, clock);
        assertEquals(Duration.ofMillis(3000 + 50 + 800 + 40), custom.takeoverDelay());
    }

    @Test
    void stopDropsTheLease() {
        lease.tick();
        committer.pending.getFirst().complete(true);
        lease.stop();
        assertFalse(lease.isValid());
    }
}
