package io.raftgres.vip;

import io.raftgres.testkit.InMemoryLogHandler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class IpVipControlTest {

    static final List<String> LIFETIME = List.of("valid_lft", "1", "preferred_lft", "1");
    static final List<String> ADD = withLifetime("add");
    static final List<String> CHANGE = withLifetime("change");
    static final List<String> DEL = List.of("ip", "addr", "del", "10.0.0.100/24", "dev", "eth0");
    private static final List<String> SHOW = List.of("ip", "-o", "addr", "show", "dev", "eth0");
    private static final List<String> ARPING = List.of("arping", "-U", "-c", "1", "-I", "eth0", "10.0.0.100");

    private final VipSettings settings = VipSettings.of("10.0.0.100/24", "eth0");
    private final FakeCommandRunner runner = new FakeCommandRunner("eth0", "192.0.2.2/24");
    private final FakeDelayedExecutor later = new FakeDelayedExecutor();
    private final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
    private final IpVipControl vip = new IpVipControl(settings, runner, later, nanos::get);

    {
        vip.gateLifetimeOn(() -> true); // the agent's lease window, open (IpVipLeaseWindowTest closes it)
    }

    static List<String> withLifetime(String verb) {
        List<String> argv = new java.util.ArrayList<>(List.of("ip", "addr", verb, "10.0.0.100/24", "dev", "eth0"));
        argv.addAll(LIFETIME);
        return List.copyOf(argv);
    }

    @Test
    void addRunsIpAddrAddAndReturnsBeforeAnyAnnouncement() {
        assertTrue(vip.add());

        assertEquals(List.of(ADD), runner.calls());
        assertTrue(runner.addresses().contains("10.0.0.100/24"));
        assertTrue(runner.callsOf("arping").isEmpty(), "announcements must not run on the caller's thread");
    }

    @Test
    void announcesFiveTimesTwoHundredMillisApartThenOnceMoreAfterThreeSeconds() {
        vip.add();

        assertEquals(List.of(0L, 200L, 400L, 600L, 800L, 3000L), later.delays().stream().map(Duration::toMillis).toList());
        later.runAll();
        assertEquals(Collections.nCopies(6, ARPING), runner.callsOf("arping"));
    }

    @Test
    void addingTwiceSucceedsAndLeavesOneCopy() {
        assertTrue(vip.add());
        assertTrue(vip.add());

        assertEquals(List.of(ADD, ADD, SHOW, CHANGE), runner.calls(), "an existing copy gets the lifetime too");
        assertEquals(1, runner.addresses().stream().filter(a -> a.startsWith("10.0.0.100/")).count());
    }

    @Test
    void aSecondAddSupersedesTheAnnouncementsOfTheFirst() {
        vip.add();
        vip.add();
        later.runAll();

        assertEquals(6, runner.callsOf("arping").size(), "only the newest round runs");
    }

    @Test
    void addReturnsFalseAndLogsTheToolOutputWhenIpFails() {
        runner.breakCommand(List.of("ip", "addr", "add"),
                CommandResult.exited(2, "RTNETLINK answers: Operation not permitted"));
        try (InMemoryLogHandler log = InMemoryLogHandler.attachTo(IpVipControl.class)) {
            assertFalse(vip.add());

            assertTrue(log.messagesAt(Level.WARNING).getFirst().contains("exit 2: RTNETLINK answers: Operation not permitted"),
                    log.messagesAt(Level.WARNING).toString());
        }
        assertTrue(later.delays().isEmpty(), "nothing to announce");
    }

    @Test
    void addOnAMissingInterfaceFailsNamingIt() {
        IpVipControl wrongInterface = new IpVipControl(VipSettings.of("10.0.0.100/24", "eth9"), runner, later);
        wrongInterface.gateLifetimeOn(() -> true);
        try (InMemoryLogHandler log = InMemoryLogHandler.attachTo(IpVipControl.class)) {
            assertFalse(wrongInterface.add());

            assertTrue(log.messagesAt(Level.WARNING).stream().anyMatch(m -> m.contains("Cannot find device \"eth9\"")),
                    log.messagesAt(Level.WARNING).toString());
        }
    }

    @Test
    void anAlreadyPresentVipWithAnotherPrefixDoesNotCountAsAdded() {
        runner.addAddress("10.0.0.100/32");
        runner.breakCommand(List.of("ip", "addr", "add"), CommandResult.exited(2, "RTNETLINK answers: Permission denied"));

        assertFalse(vip.add());
    }

    @Test
    void removeDeletesTheAddressAndChecksItIsGone() {
        vip.add();

        assertTrue(vip.remove());

        assertEquals(List.of(DEL, SHOW), runner.calls().subList(1, 3));
        assertFalse(runner.addresses().contains("10.0.0.100/24"));
    }

    @Test
    void removingAnAbsentVipSucceedsQuietly() {
        try (InMemoryLogHandler log = InMemoryLogHandler.attachTo(IpVipControl.class)) {
            assertTrue(vip.remove());
            assertTrue(vip.remove());

            assertTrue(log.messagesAt(Level.WARNING).isEmpty(), log.messagesAt(Level.WARNING).toString());
        }
        assertEquals(List.of(DEL, SHOW, DEL, SHOW), runner.calls());
    }

    @Test
    void removeCancelsAnnouncementsNotYetSent() {
        vip.add();
        vip.remove();
        later.runAll();

        assertTrue(runner.callsOf("arping").isEmpty());
    }

    @Test
    void removeAlsoDeletesCopiesInstalledWithAnotherPrefix() {
        runner.addAddress("10.0.0.100/24");
        runner.addAddress("10.0.0.100/32");

        assertTrue(vip.remove());

        assertEquals(List.of("192.0.2.2/24"), List.copyOf(runner.addresses()));
        assertTrue(runner.calls().contains(List.of("ip", "addr", "del", "10.0.0.100/32", "dev", "eth0")));
    }

    @Test
    void removeReturnsFalseAndLogsTheToolOutputWhenTheAddressStays() {
        vip.add();
        runner.breakCommand(List.of("ip", "addr", "del"), CommandResult.exited(2, "RTNETLINK answers: Operation not permitted"));
        try (InMemoryLogHandler log = InMemoryLogHandler.attachTo(IpVipControl.class)) {
            assertFalse(vip.remove());

            assertTrue(log.messagesAt(Level.WARNING).getFirst().contains("Operation not permitted"),
                    log.messagesAt(Level.WARNING).toString());
        }
        assertTrue(vip.isPresent());
    }

    @Test
    void removeReportsFailureWhenItCannotTellWhetherTheVipIsGone() {
        vip.add();
        runner.breakCommand(List.of("ip", "-o"), CommandResult.failedToRun("cannot start ip: Permission denied"));

        assertFalse(vip.remove());
    }

    @Test
    void isPresentReflectsTheInterface() {
        assertFalse(vip.isPresent());
        vip.add();
        assertTrue(vip.isPresent());
        assertEquals(SHOW, runner.calls().getLast());
    }

    @Test
    void isPresentIsFalseAndLoggedWhenIpCannotList() {
        vip.add();
        runner.breakCommand(List.of("ip"), CommandResult.timedOut(""));
        try (InMemoryLogHandler log = InMemoryLogHandler.attachTo(IpVipControl.class)) {
            assertFalse(vip.isPresent());

            assertTrue(log.messagesAt(Level.WARNING).getFirst().contains("timed out"));
        }
    }

    @Test
    void failedAnnouncementsAreLoggedWithTheToolOutput() {
        runner.breakCommand(List.of("arping"), CommandResult.failedToRun("cannot start arping: No such file or directory"));
        try (InMemoryLogHandler log = InMemoryLogHandler.attachTo(ArpAnnouncer.class)) {
            assertTrue(vip.add(), "the address is on the interface; announcing is retried by the round");
            later.runAll();

            List<String> warnings = log.messagesAt(Level.WARNING);
            assertEquals(6, warnings.size(), warnings.toString());
            assertTrue(warnings.getFirst().contains("cannot start arping: No such file or directory"), warnings.getFirst());
        }
    }

    @Test
    void refreshRenewsTheLifetimeOfAHeldVipOncePerIntervalOnAnotherThread() {
        vip.add();
        later.runAll(); // the announcements
        int afterAdd = runner.calls().size();
        nanos.addAndGet(Duration.ofMillis(249).toNanos());
        assertTrue(vip.refresh(() -> true));
        later.runAll();
        assertEquals(afterAdd, runner.calls().size(), "no renewal before a quarter of the lifetime passed");

        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        assertTrue(vip.refresh(() -> true));
        assertEquals(afterAdd, runner.calls().size(), "the caller's thread runs nothing");
        assertFalse(vip.refresh(() -> true), "one renewal in flight at a time");
        later.runAll();
        assertTrue(vip.refresh(() -> true));
        later.runAll();
        assertEquals(CHANGE, runner.calls().getLast());
        assertEquals(1, runner.calls().stream().filter(CHANGE::equals).count(), "renewed once per interval");
    }

    @Test
    void aRenewalNeverTouchesAVipThatIsNoLongerHeld() {
        assertTrue(vip.refresh(() -> true), "never added");
        vip.add();
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        assertTrue(vip.refresh(() -> true));
        vip.remove(); // the lease lapsed between the refresh and its renewal
        later.runAll();

        assertFalse(runner.calls().contains(CHANGE), "a renewal after a remove would re-install the VIP");
        assertFalse(runner.addresses().contains("10.0.0.100/24"));
    }

    /**
     * A renewal queued while the lease held but run after it ended (the host was frozen between
     * the two, as docker pause does) must not re-install the VIP: the kernel creates an absent
     * address that {@code ip addr change} names. Shown to fail before the renewal re-checked the
     * lease: the container suite's freeze-primary then saw the VIP on the thawed old primary and
     * the new one at once, and this test saw the change command run.
     */
    @Test
    void aRenewalThatRunsAfterTheLeaseEndedDoesNotRenew() {
        vip.add();
        later.runAll();
        java.util.concurrent.atomic.AtomicBoolean lease = new java.util.concurrent.atomic.AtomicBoolean(true);
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertTrue(vip.refresh(lease::get));
        lease.set(false); // the host froze here; the renewal runs after the thaw
        later.runAll();

        assertFalse(runner.calls().contains(CHANGE), "a late renewal would re-install an expired VIP");
    }

    /** A lease that ends while the renewal's command runs: the renewal removes what it may have re-installed. */
    @Test
    void aRenewalDuringWhichTheLeaseEndedRemovesTheVip() {
        vip.add();
        later.runAll();
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertTrue(vip.refresh(() -> asked.incrementAndGet() == 1)); // holds before the command, not after
        later.runAll();

        int change = runner.calls().indexOf(CHANGE);
        assertEquals(List.of(CHANGE, DEL), runner.calls().subList(change, change + 2));
        assertFalse(runner.addresses().contains("10.0.0.100/24"), "removed once the lease had ended");
    }

    @Test
    void withoutALifetimeTheVipIsPermanentAndNeverRenewed() {
        VipSettings permanent = new VipSettings("10.0.0.100/24", "eth0", 5, 200, 3000, 2000, "ip", "arping", 0);
        IpVipControl plain = new IpVipControl(permanent, runner, later, nanos::get);
        plain.add();
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());

        assertTrue(plain.refresh(() -> true));
        later.runAll();
        assertEquals(List.of(List.of("ip", "addr", "add", "10.0.0.100/24", "dev", "eth0")), runner.callsOf("ip"));
    }

    @Test
    void aFailedRenewalIsLoggedWithTheToolOutput() {
        vip.add();
        later.runAll();
        runner.breakCommand(List.of("ip", "addr", "change"), CommandResult.exited(2, "Error: ipv4: boom."));
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        try (InMemoryLogHandler log = InMemoryLogHandler.attachTo(IpVipControl.class)) {
            assertTrue(vip.refresh(() -> true));
            later.runAll();
            assertTrue(log.messagesAt(Level.WARNING).getFirst().contains("Error: ipv4: boom."),
                    log.messagesAt(Level.WARNING).toString());
        }
    }

    @Test
    void everyCommandRunsWithABoundedTimeout() {
        vip.add();
        vip.isPresent();
        vip.remove();
        later.runAll();

        assertFalse(runner.timeouts().isEmpty());
        assertTrue(runner.timeouts().stream().allMatch(t -> t.isPositive() && t.compareTo(Duration.ofSeconds(2)) <= 0),
                runner.timeouts().toString());
    }

    @Test
    void oneCallStopsRunningCommandsOnceItsBudgetIsSpent() {
        VipSettings tight = new VipSettings("10.0.0.100/24", "eth0", 5, 200, 3000, 100, "ip", "arping", 2);
        List<List<String>> seen = Collections.synchronizedList(new java.util.ArrayList<>());
        CommandRunner hanging = (argv, timeout) -> {
            seen.add(argv);
            sleep(timeout);
            return CommandResult.timedOut("");
        };
        IpVipControl slow = new IpVipControl(tight, hanging, later);

        assertFalse(slow.remove());

        assertEquals(List.of(List.of("ip", "addr", "del", "10.0.0.100/24", "dev", "eth0")), seen,
                "the lookup must not run once the first command used up the budget");
    }

    @Test
    void findsTheVipInRealIpOutputWhateverItsLabelOrPrefix() {
        String output = """
                2: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever preferred_lft forever
                2: eth0    inet 10.0.0.100/24 scope global secondary eth0:vip\\       valid_lft forever preferred_lft forever
                2: eth0    inet 10.0.0.100/32 scope global eth0\\       valid_lft forever preferred_lft forever
                2: eth0    inet6 fe80::fc:ff:fe00:1/64 scope link \\       valid_lft forever preferred_lft forever
                """;

        assertEquals(List.of("10.0.0.100/24", "10.0.0.100/32"), IpVipControl.findAddress(output, "10.0.0.100"));
        assertEquals(List.of("192.0.2.2/24"), IpVipControl.findAddress(output, "192.0.2.2"));
    }

    @Test
    void doesNotMistakeALongerAddressOrABroadcastForTheVip() {
        String output = """
                4: eth0    inet 10.0.0.10/24 brd 10.0.0.100 scope global eth0\\       valid_lft forever preferred_lft forever
                4: eth0    inet 10.0.0.1001/24 scope global eth0\\       valid_lft forever preferred_lft forever
                """;

        assertEquals(List.of(), IpVipControl.findAddress(output, "10.0.0.100"));
        assertEquals(List.of(), IpVipControl.findAddress(output, "10.0.0.1"));
        assertEquals(List.of(), IpVipControl.findAddress("", "10.0.0.100"));
    }

    @Test
    void findsAPointToPointLocalAddressWithoutPrefix() {
        String output = "5: tun0    inet 10.0.0.100 peer 10.0.0.2/32 scope global tun0\\       valid_lft forever preferred_lft forever";

        assertEquals(List.of("10.0.0.100"), IpVipControl.findAddress(output, "10.0.0.100"));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
