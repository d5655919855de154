package io.raftgres.vip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link IpVipControl} against a real kernel: two network namespaces created for this test and
 * joined by a veth pair, with a private benchmark subnet (198.18.77.0/24) that exists only there.
 * The "host" namespace holds the VIP; the "peer" namespace plays a neighbour whose ARP cache must
 * learn the VIP from the gratuitous ARP. Skipped unless running as root with {@code ip netns}.
 * Both namespaces (and with them the veth pair) are deleted at the end.
 */
class IpVipControlNetnsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String HOST = "raftgres-vip-test-" + ProcessHandle.current().pid();
    private static final String PEER = HOST + "-peer";
    private static final String VIP = "198.18.77.100/24";
    private static final ProcessCommandRunner SHELL = new ProcessCommandRunner();

    private static boolean created;

    @BeforeAll
    static void createNamespaces() {
        assumeTrue(run("id", "-u").output().equals("0"), "needs root");
        assumeTrue(run("ip", "netns", "add", HOST).succeeded(), "needs ip netns");
        created = true;
        require("ip", "netns", "add", PEER);
        require("ip", "-n", HOST, "link", "add", "rgvip0", "type", "veth", "peer", "name", "rgvip1", "netns", PEER);
        require("ip", "-n", HOST, "link", "set", "rgvip0", "up");
        require("ip", "-n", PEER, "link", "set", "rgvip1", "up");
        require("ip", "-n", PEER, "addr", "add", "198.18.77.2/24", "dev", "rgvip1");
        // Let the neighbour create cache entries from gratuitous ARP, so the test can see them.
        require("ip", "netns", "exec", PEER, "sysctl", "-qw", "net.ipv4.conf.rgvip1.arp_accept=1");
    }

    @AfterAll
    static void deleteNamespaces() {
        if (created) {
            run("ip", "netns", "del", PEER);
            run("ip", "netns", "del", HOST);
        }
    }

    private static IpVipControl control(int arpCount) {
        return control(arpCount, 0);
    }

    private static IpVipControl control(int arpCount, int lifetimeSeconds) {
        VipSettings settings = new VipSettings(VIP, "rgvip0", arpCount, 100, 0, 3000, "ip", "arping", lifetimeSeconds);
        IpVipControl vip = new IpVipControl(settings, new NetnsCommandRunner(HOST, SHELL),
                DelayedExecutor.virtualThreads("raftgres-vip-test-arp"));
        vip.gateLifetimeOn(() -> true); // the agent's lease window, always open here
        return vip;
    }

    @Test
    void addsChecksAndRemovesTheVipOnARealInterface() {
        IpVipControl vip = control(1);

        assertTrue(vip.remove(), "removing an absent VIP succeeds");
        assertFalse(vip.isPresent());
        assertTrue(vip.add());
        assertTrue(vip.add(), "adding again succeeds whatever iproute2's wording for 'exists'");
        assertTrue(vip.isPresent());
        assertEquals(1, countCopies());
        assertTrue(vip.remove());
        assertFalse(vip.isPresent());
        assertEquals(0, countCopies());
    }

    @Test
    void removesAStaleCopyWithAnotherPrefix() {
        require("ip", "-n", HOST, "addr", "add", "198.18.77.100/32", "dev", "rgvip0");
        IpVipControl vip = control(1);

        assertTrue(vip.isPresent());
        assertTrue(vip.remove());
        assertEquals(0, countCopies());
    }

    /** What protects clients from a frozen agent: its kernel gives the VIP up without its help. */
    @Test
    void theKernelDropsAVipThatIsNoLongerRefreshed() throws InterruptedException {
        IpVipControl vip = control(1, 1);
        try {
            assertTrue(vip.add());
            long added = System.nanoTime();
            Thread.sleep(600);
            assertTrue(vip.refresh(() -> true));
            Thread.sleep(100); // the renewal runs on another thread
            assertEquals(1, countCopies(), "renewed within its lifetime");
            long refreshed = System.nanoTime();
            while (countCopies() > 0 && System.nanoTime() - refreshed < Duration.ofSeconds(4).toNanos()) {
                Thread.sleep(20);
            }
            long goneAfterMillis = (System.nanoTime() - refreshed) / 1_000_000;
            assertEquals(0, countCopies(), "the kernel must delete it 1-2 s after the last refresh");
            assertTrue(goneAfterMillis >= 900, "gone too early, the refresh did not extend it: " + goneAfterMillis
                    + " ms after the refresh, " + (System.nanoTime() - added) / 1_000_000 + " ms after the add");
            // SafetyTiming.vipGoneAfterHeartbeat counts on lifetime + 1 s after the last set (100 ms for the polling)
            assertTrue(goneAfterMillis <= 2100, "gone later than lifetime + 1 s after the renewal: " + goneAfterMillis
                    + " ms");
        } finally {
            vip.remove();
        }
    }

    @Test
    void gratuitousArpTeachesTheNeighbourTheVipsMac() throws InterruptedException {
        assumeTrue(run("ip", "netns", "exec", HOST, "arping", "-V").succeeded(), "needs iputils-arping");
        Matcher mac = Pattern.compile("link/ether ([0-9a-f:]{17})")
                .matcher(run("ip", "-n", HOST, "-o", "link", "show", "rgvip0").output());
        assertTrue(mac.find());
        IpVipControl vip = control(2);
        try {
            assertTrue(vip.add());

            String neighbour = "";
            for (int i = 0; i < 50 && !neighbour.contains(mac.group(1)); i++) {
                Thread.sleep(100);
                neighbour = run("ip", "-n", PEER, "neigh", "show", "198.18.77.100").output();
            }
            assertTrue(neighbour.contains(mac.group(1)), "peer's ARP cache: '" + neighbour + "'");
        } finally {
            vip.remove();
        }
    }

    private static long countCopies() {
        return IpVipControl.findAddress(run("ip", "-n", HOST, "-o", "addr", "show", "dev", "rgvip0").output(),
                "198.18.77.100").size();
    }

    private static CommandResult run(String... argv) {
        return SHELL.run(List.of(argv), TIMEOUT);
    }

    private static void require(String... argv) {
        CommandResult result = run(argv);
        if (!result.succeeded()) {
            throw new IllegalStateException(String.join(" ", argv) + ": " + result.describe());
        }
    }
}
