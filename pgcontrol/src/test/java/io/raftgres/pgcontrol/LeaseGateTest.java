package io.raftgres.pgcontrol;

import io.raftgres.core.spi.StopMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lease-gated commits on a real PostgreSQL 15 primary in asynchronous mode (no replica; the gate is
 * its only synchronous standby). Four clients commit in a loop, each with a fresh autocommit insert,
 * while the gate's lease is stopped, its connection is cut (the agent died) or it freezes. In each case:
 * no commit issued after the lease's end (or the agent's death) is acknowledged, and a commit still
 * waiting at that moment never returns success: after the fence (immediate stop) its client gets an
 * error.
 *
 * <p>Shown to fail: with the member created by {@code fixture.member(...)} instead of
 * {@code fixture.gatedMember(...)} in {@link #startPrimary} (no synchronous_standby_names, the gate
 * connects but nobody waits for it), all three tests fail at "commits issued after the lease's end were
 * acknowledged" (5,500, 11,800 and 18,600 such commits in the run that showed it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaseGateTest {

    private static final Duration OPEN_WAIT = Duration.ofSeconds(20);

    private PgFixture fixture;
    private PgCtlPostgresControl pg;
    private final AtomicLong leaseEnd = new AtomicLong();

    @BeforeAll
    void createPrimary() throws Exception {
        fixture = PgFixture.create();
        pg = fixture.gatedMember("gated");
        pg.bootstrap();
        try (Connection c = PgFixture.connect(pg); Statement st = c.createStatement()) {
            st.execute("set synchronous_commit = local");
            st.execute("create table t (id bigserial primary key, at timestamptz default now())");
        }
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    @BeforeEach
    void startPrimary() {
        pg.startPrimary();
        leaseEnd.set(System.nanoTime() + Duration.ofHours(1).toNanos());
    }

    @Test
    void aStoppedLeaseAcknowledgesNothingIssuedAfterItsEnd() throws Exception {
        try (LeaseGate gate = new LeaseGate(pg::config, this::leaseValid); CommitLoad load = new CommitLoad(pg, 4)) {
            openAndLoad(gate, load);
            // The lease's heartbeats stop committing: it ends 100 ms from now, an instant known before
            // it comes, as a real lease's end is. (Stamping "now" and publishing it a moment later let
            // a reply in between, checked against the old end, count as late under load.)
            long end = System.nanoTime() + Duration.ofMillis(100).toNanos();
            leaseEnd.set(end);

            sleep(Duration.ofMillis(1500));
            fenceAndCheck(load, end, "lease stopped");
        }
    }

    @Test
    void aDeadAgentAcknowledgesNothingAfterItsDeath() throws Exception {
        try (LeaseGate gate = new LeaseGate(pg::config, this::leaseValid); CommitLoad load = new CommitLoad(pg, 4)) {
            openAndLoad(gate, load);
            gate.close(); // the socket closes, as when the agent's process dies
            // Death is the moment the connection is gone: close() aborts it and joins the gate's
            // thread. A reply the thread sent while close() ran (the lease still held) rightly
            // acknowledged commits issued just before; stamping death before close() counted those
            // as late (seen once under load).
            long death = System.nanoTime();

            sleep(Duration.ofMillis(1500));
            fenceAndCheck(load, death, "gate connection cut");
        }
    }

    @Test
    void aFrozenGateAcknowledgesNothingIssuedAfterTheLeasesEnd() throws Exception {
        Freezable freezable = new Freezable(this::leaseValid);
        try (LeaseGate gate = new LeaseGate(pg::config, freezable); CommitLoad load = new CommitLoad(pg, 4)) {
            openAndLoad(gate, load);
            freezable.frozen = true; // the gate stops at its next reply, like a SIGSTOPped agent
            long end = System.nanoTime() + Duration.ofMillis(300).toNanos();
            leaseEnd.set(end);

            sleep(Duration.ofMillis(1300));
            freezable.frozen = false; // thaws long after the lease's end: it must not reply now
            sleep(Duration.ofMillis(500));
            assertFalse(gate.isOpen(), "a thawed gate with a lapsed lease disconnects");
            fenceAndCheck(load, end, "gate frozen");
        }
    }

    /**
     * A fast stop makes each walsender wait until its standby confirms the shutdown checkpoint. The gate
     * confirms it while the lease holds and disconnects once it lapsed; either way the stop finishes at
     * once. Shown to fail: with {@code GateSession.stream} returning to its caller only on the server's end
     * of stream (not when the lease is gone), the lapsed case waited until pg_ctl gave up after its 30 s
     * (the walsender waits for the confirmation up to wal_sender_timeout, 60 s by default).
     */
    @Test
    void aFastStopIsNeverHeldUpByTheGate() {
        for (boolean lapsed : new boolean[] {false, true}) {
            try (LeaseGate gate = new LeaseGate(pg::config, this::leaseValid)) {
                gate.start();
                PgFixture.await("the gate to open", OPEN_WAIT, gate::isOpen);
                if (lapsed) {
                    leaseEnd.set(System.nanoTime()); // lapses while idle: the gate has sent nothing since
                }
                long start = System.nanoTime();
                pg.stop(StopMode.FAST);
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("fast stop with the gate connected, lease %s: %d ms%n", lapsed ? "lapsed" : "held",
                        millis);
                assertTrue(millis < 10_000, "fast stop took " + millis + " ms with the lease "
                        + (lapsed ? "lapsed" : "held"));
            }
            startPrimary();
        }
    }

    private void openAndLoad(LeaseGate gate, CommitLoad load) {
        gate.start();
        PgFixture.await("the gate to open", OPEN_WAIT, gate::isOpen);
        load.start();
        sleep(Duration.ofMillis(1000));
        assertTrue(load.acknowledgedCount() > 20, "the gate acknowledges commits while the lease holds: "
                + load.acknowledgedCount());
    }

    /**
     * At {@code cutoff + 1.5 s}: every client is waiting. Then the fence; afterwards the outcomes must
     * show no commit issued after {@code cutoff} acknowledged, and none waiting at the fence acknowledged.
     */
    private void fenceAndCheck(CommitLoad load, long cutoff, String what) throws InterruptedException {
        long fence = System.nanoTime();
        pg.stop(StopMode.IMMEDIATE);
        load.awaitEnd(Duration.ofSeconds(20));
        List<CommitLoad.Outcome> late = load.outcomes().stream()
                .filter(o -> o.acknowledged() && o.issuedNanos() - cutoff > 0).toList();
        assertEquals(0, late.size(), what + ": commits issued after the lease's end were acknowledged, the first: "
                + late.stream().limit(3).toList());
        List<CommitLoad.Outcome> waitedForFence = load.outcomes().stream()
                .filter(o -> o.answeredNanos() - fence > 0).toList();
        assertEquals(4, waitedForFence.size(), what + ": every client waited until the fence");
        assertTrue(waitedForFence.stream().noneMatch(CommitLoad.Outcome::acknowledged),
                what + ": a commit waiting at the fence got a success");
        long lastAck = load.outcomes().stream().filter(CommitLoad.Outcome::acknowledged)
                .mapToLong(CommitLoad.Outcome::answeredNanos).max().orElseThrow();
        System.out.printf("%s: %d acknowledged; last acknowledgement %.1f ms %s the cutoff%n", what,
                load.acknowledgedCount(), Math.abs(lastAck - cutoff) / 1e6, lastAck - cutoff > 0 ? "after" : "before");
    }

    private boolean leaseValid() {
        return System.nanoTime() - leaseEnd.get() < 0;
    }

    private static void sleep(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }

    /** The lease check of a gate that can be frozen: while frozen it does not return, like a stopped process. */
    private static final class Freezable implements BooleanSupplier {
        private final BooleanSupplier lease;
        volatile boolean frozen;

        Freezable(BooleanSupplier lease) {
            this.lease = lease;
        }

        @Override
        public boolean getAsBoolean() {
            while (frozen) {
                LockSupport.parkNanos(1_000_000);
            }
            return lease.getAsBoolean();
        }
    }
}
