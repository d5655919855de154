package io.raftgres.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VipTimelineTest {

    /** The local-table part of a container's /proc/PID/net/fib_trie with the VIP installed. */
    private static final String FIB_TRIE_WITH_VIP = """
            Local:
              +-- 0.0.0.0/0 3 0 5
                 +-- 172.30.77.0/24 2 0 2
                    +-- 172.30.77.0/28 2 0 2
                       |-- 172.30.77.0
                          /24 link UNICAST
                       |-- 172.30.77.11
                          /32 host LOCAL
                    |-- 172.30.77.100
                       /32 host LOCAL
                    |-- 172.30.77.255
                       /32 link BROADCAST
            """;

    private static VipObserver.Sample at(long millis, String... holders) {
        return new VipObserver.Sample(millis, Set.of(holders), null);
    }

    @Test
    void readsTheVipAsLocalOnlyWhenTheKernelHasIt(@TempDir Path dir) throws Exception {
        Path with = Files.writeString(dir.resolve("with"), FIB_TRIE_WITH_VIP);
        Path without = Files.writeString(dir.resolve("without"), FIB_TRIE_WITH_VIP.replaceAll(
                "\\|-- 172\\.30\\.77\\.100\\n\\s+/32 host LOCAL\\n", ""));

        assertTrue(VipObserver.holdsLocally(with, "172.30.77.100"));
        assertFalse(VipObserver.holdsLocally(without, "172.30.77.100"));
        assertFalse(VipObserver.holdsLocally(with, "172.30.77.10"), "a prefix of another address is not it");
        assertFalse(VipObserver.holdsLocally(with, "172.30.77.255"), "a broadcast entry is not a local address");
        assertFalse(VipObserver.holdsLocally(dir.resolve("gone"), "172.30.77.100"), "a vanished process holds nothing");
    }

    @Test
    void readsOnlyCompleteArpEntries(@TempDir Path dir) throws Exception {
        Path arp = Files.writeString(dir.resolve("arp"), """
                IP address       HW type     Flags       HW address            Mask     Device
                172.30.77.11     0x1         0x2         02:42:AC:1E:4D:0B     *        br-1
                172.30.77.100    0x1         0x2         02:42:ac:1e:4d:0c     *        br-1
                172.30.77.13     0x1         0x0         00:00:00:00:00:00     *        br-1
                """);

        assertEquals("02:42:ac:1e:4d:0c", VipObserver.arpEntry(arp, "172.30.77.100"));
        assertNull(VipObserver.arpEntry(arp, "172.30.77.13"), "incomplete");
        assertNull(VipObserver.arpEntry(arp, "172.30.77.12"), "absent");
    }

    @Test
    void findsSplitsAbsencesAndTheMove() {
        VipTimeline t = new VipTimeline(List.of(at(0, "n1"), at(100, "n1"), at(200), at(300), at(400), at(500, "n2"),
                at(600, "n1", "n2"), at(700, "n2")));

        assertEquals(List.of(at(600, "n1", "n2")), t.onSeveralHosts());
        assertEquals(200, t.longestAbsenceMillis(0));
        assertEquals(500, t.firstSoleHolderMillis("n2", 150));
        assertEquals(-1, t.firstSoleHolderMillis("n3", 0));
        assertEquals(Set.of("n2"), t.lastHolders());
    }
}
