package io.raftgres.vip;

import io.raftgres.testkit.InMemoryLogHandler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * The lease window of a VIP with a kernel lifetime: an add or a renewal starts only while the agent's rule holds (at
 * least {@code SafetyTiming.vipSetLeaseLeft()} of its lease left), and its commands run within {@link
 * VipSettings#setTimeout()}, so the old primary's VIP is surely gone by {@code SafetyTiming.vipGoneAfterHeartbeat}.
 */
class IpVipLeaseWindowTest {

    private static final List<String> ADD = IpVipControlTest.ADD;
    private static final List<String> CHANGE = IpVipControlTest.CHANGE;
    private static final List<String> DEL = IpVipControlTest.DEL;

    private final VipSettings settings = VipSettings.of("10.0.0.100/24", "eth0");
    private final FakeCommandRunner runner = new FakeCommandRunner("eth0", "192.0.2.2/24");
    private final FakeDelayedExecutor later = new FakeDelayedExecutor();
    private final AtomicLong nanos = new AtomicLong();
    private final IpVipControl vip = new IpVipControl(settings, runner, later, nanos::get);
    /** The agent's lease window rule. */
    private final AtomicBoolean leaseWindow = new AtomicBoolean(true);

    {
        vip.gateLifetimeOn(leaseWindow::get);
    }

    /**
     * An add starts only inside the agent's lease window (the lease's last heartbeat recent enough), so the
     * old primary's VIP is surely gone by {@code SafetyTiming.vipGoneAfterHeartbeat} after its last acknowledged
     * heartbeat; outside it nothing runs, the refusal is logged once, and the next cycle tries again. Shown to fail
     * (2026-12-06) with the window check removed from the add: the add command ran while the window was shut.
     */
    @Test
    void anAddOutsideTheLeaseWindowRunsNothingAndIsRetried() {
        leaseWindow.set(false);
        try (InMemoryLogHandler log = InMemoryLogHandler.attachTo(IpVipControl.class)) {
            assertFalse(vip.add());
            assertFalse(vip.add());

            assertTrue(runner.calls().isEmpty(), runner.calls().toString());
            assertEquals(1, log.messagesAt(Level.INFO).stream().filter(m -> m.contains("not added yet")).count(),
                    log.messagesAt(Level.INFO).toString());
        }
        leaseWindow.set(true);
        assertTrue(vip.add());
        assertEquals(List.of(ADD), runner.calls());
    }

    /** Until the agent gives its lease rule, a VIP with a lifetime is never added. */
    @Test
    void withoutTheAgentsLeaseRuleNoLifetimeIsEverSet() {
        IpVipControl ungated = new IpVipControl(settings, runner, later, nanos::get);

        assertFalse(ungated.add());
        assertTrue(runner.calls().isEmpty(), runner.calls().toString());
    }

    /**
     * A renewal outside the lease window is postponed, not turned into a removal: the lifetime outlasts several
     * refreshes, and a late heartbeat must not take the VIP from a primary whose lease still holds. Shown to fail
     * (2026-12-06) with the window check removed from the renewal: the change command ran.
     */
    @Test
    void aRenewalOutsideTheLeaseWindowIsPostponed() {
        vip.add();
        later.runAll();
        leaseWindow.set(false);
        try (InMemoryLogHandler log = InMemoryLogHandler.attachTo(IpVipControl.class)) {
            for (int i = 0; i < 4; i++) {
                nanos.addAndGet(Duration.ofMillis(250).toNanos());
                assertTrue(vip.refresh(() -> true));
                later.runAll();
            }
            assertFalse(runner.calls().contains(CHANGE), "renewed outside the window");
            assertFalse(runner.calls().contains(DEL), "a postponed renewal removes nothing");
            assertEquals(1, log.messagesAt(Level.WARNING).stream().filter(m -> m.contains("not renewed for")).count(),
                    "said once, after half a lifetime: " + log.messagesAt(Level.WARNING));
        }
        leaseWindow.set(true);
        assertTrue(vip.refresh(() -> true));
        later.runAll();
        assertEquals(CHANGE, runner.calls().getLast());
    }

    /** Adds and renewals of a VIP with a lifetime run within the set timeout, which the VIP's bound counts on. */
    @Test
    void addsAndRenewalsRunWithinTheSetTimeout() {
        vip.add();
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        vip.refresh(() -> true);
        later.runAll();

        List<List<String>> calls = runner.calls();
        List<Duration> timeouts = runner.timeouts();
        List<Duration> sets = java.util.stream.IntStream.range(0, calls.size())
                .filter(i -> calls.get(i).equals(ADD) || calls.get(i).equals(CHANGE)).mapToObj(timeouts::get).toList();
        assertEquals(2, sets.size(), calls.toString());
        assertTrue(sets.stream().allMatch(t -> t.compareTo(settings.setTimeout()) <= 0), sets.toString());
    }
}
