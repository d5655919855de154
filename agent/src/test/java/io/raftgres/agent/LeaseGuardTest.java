package io.raftgres.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.spi.PostgresControl;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.Upstream;
import io.raftgres.core.spi.VipControl;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;
import io.raftgres.testkit.FakeWatchdog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The lease guard's contract: while the lease holds it feeds the watchdog and renews the VIP's
 * kernel lifetime and touches nothing else; once it lapses it stops PostgreSQL immediately first,
 * then removes the VIP, and renews nothing.
 */
class LeaseGuardTest {

    private final List<String> events = new ArrayList<>();
    private final FakeStore store = new FakeStore();
    private final FakeWatchdog watchdog = new FakeWatchdog(() -> 0L);
    private final LocalTracker tracker = new LocalTracker();
    private final LeaseGuard guard = new LeaseGuard("n1", store, new RecordingPostgres(), new RecordingVip(),
            watchdog, tracker);

    @Test
    void whileTheLeaseHoldsItRenewsTheVipAndFeedsTheWatchdogOnly() {
        store.view = view(RaftRole.LEADER, true);
        tracker.markMayBeWritable(true);
        watchdog.arm();

        guard.check();
        guard.check();

        assertEquals(List.of("vip.refresh", "vip.refresh"), events);
        assertTrue(watchdog.isArmed());
    }

    /**
     * PostgreSQL first: the VIP removal may take long, and PostgreSQL is what acknowledges writes.
     * With the VIP removed first, the container suite's freeze-primary saw the thawed old primary
     * acknowledge the detector's writes for 0.7 s after the thaw (split brain, quorum commit).
     */
    @Test
    void aLapsedLeaseStopsPostgresBeforeRemovingTheVipAndRenewsNothing() {
        store.view = view(RaftRole.LEADER, false);
        tracker.markMayBeWritable(true);
        watchdog.arm();

        guard.check();

        assertEquals(List.of("pg.stop IMMEDIATE", "vip.remove"), events);
        assertFalse(watchdog.isArmed(), "disarmed by the fence");
        assertFalse(tracker.mayBeWritable());
    }

    @Test
    void aFenceDuringAStartKeepsFencingUntilTheStartIsOver() {
        // The HA loop decided to start PostgreSQL while the lease held; the lease lapsed meanwhile.
        store.view = view(RaftRole.LEADER, false);
        tracker.begin(io.raftgres.core.model.Activity.STARTING);
        tracker.markMayBeWritable(true);

        guard.check();
        assertTrue(tracker.mayBeWritable(), "the start may bring PostgreSQL up after this stop");
        guard.check();
        tracker.succeed();
        guard.check();
        guard.check();

        assertEquals(List.of("pg.stop IMMEDIATE", "vip.remove", "pg.stop IMMEDIATE", "vip.remove",
                "pg.stop IMMEDIATE", "vip.remove"), events, "fenced again after the start, then done");
        assertFalse(tracker.mayBeWritable());
    }

    /**
     * A partitioned primary keeps the paused flag it last saw; the majority may have resumed and
     * promoted since. Failed before the guard stopped skipping the fence in pause.
     */
    @Test
    void aLapsedLeaseFencesInMaintenanceModeToo() {
        store.view = view(RaftRole.LEADER, false);
        store.state = store.state.withPaused(true);
        tracker.markMayBeWritable(true);

        guard.check();

        assertEquals(List.of("pg.stop IMMEDIATE", "vip.remove"), events);
        assertFalse(tracker.mayBeWritable());
    }

    @Test
    void aValidLeaseWithoutTheLeaderKeyIsNoLease() {
        store.view = view(RaftRole.LEADER, true);
        store.state = ClusterState.empty("it").withLeader(new LeaderRecord("n2", 3, 1, Lsn.ZERO));
        tracker.markMayBeWritable(true);

        guard.check();

        assertEquals(List.of("pg.stop IMMEDIATE", "vip.remove"), events);
    }

    @Test
    void aFollowerThatCannotBeWritableIsLeftAlone() {
        store.view = view(RaftRole.FOLLOWER, false);

        guard.check();

        assertEquals(List.of(), events);
    }

    private static RaftView view(RaftRole role, boolean leaseValid) {
        return new RaftView(3, role, role == RaftRole.LEADER ? "n1" : "n2", true, leaseValid, 0, true);
    }

    private final class RecordingVip implements VipControl {
        @Override public boolean isPresent() { return false; }
        @Override public boolean add() { events.add("vip.add"); return true; }
        @Override public boolean remove() { events.add("vip.remove"); return true; }
        @Override public boolean refresh() { events.add("vip.refresh"); return true; }
    }

    private final class RecordingPostgres implements PostgresControl {
        @Override public LocalPgState observe() { throw new UnsupportedOperationException("not used by the guard"); }
        @Override public void bootstrap() { events.add("pg.bootstrap"); }
        @Override public void cloneFrom(Upstream from) { events.add("pg.clone"); }
        @Override public void startPrimary() { events.add("pg.startPrimary"); }
        @Override public void follow(Upstream upstream, String selfSlot) { events.add("pg.follow"); }
        @Override public void stop(StopMode mode) { events.add("pg.stop " + mode); }
        @Override public void promote() { events.add("pg.promote"); }
        @Override public void rewind(Upstream from) { events.add("pg.rewind"); }
        @Override public void removeDataDirectory() { events.add("pg.removeDataDirectory"); }
        @Override public void ensureSlots(Set<String> slotNames) { events.add("pg.ensureSlots"); }
    }

    private static final class FakeStore implements ClusterStore {
        RaftView view;
        ClusterState state = ClusterState.empty("it").withLeader(new LeaderRecord("n1", 3, 1, Lsn.ZERO));

        @Override public ClusterState state() { return state; }
        @Override public RaftView view() { return view; }
        @Override public CompletableFuture<ApplyResult> submit(Command command) {
            throw new UnsupportedOperationException("the guard never submits");
        }
        @Override public CompletableFuture<Void> transferLeadership(String raftAddress, Duration timeout) {
            throw new UnsupportedOperationException("the guard never transfers leadership");
        }
        @Override public void addListener(Runnable listener) { }
    }
}
