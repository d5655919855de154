package io.raftgres.vip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VipSettingsTest {

    @Test
    void defaultsFollowTheDocumentedValues() {
        VipSettings settings = VipSettings.of("10.0.0.100/24", "eth0");

        assertEquals(5, settings.arpCount());
        assertEquals(200, settings.arpIntervalMillis());
        assertEquals(3000, settings.reannounceAfterMillis());
        assertEquals(2000, settings.commandTimeoutMillis());
        assertEquals("ip", settings.ipBinary());
        assertEquals("arping", settings.arpingBinary());
        assertEquals(1, settings.lifetimeSeconds());
    }

    /**
     * An add or renewal of a VIP with a lifetime gets the refresh interval, at least 500 ms and at most the command
     * timeout; the bound on when its command may still set the lifetime adds the kill's grace.
     */
    @Test
    void theSetTimeoutFollowsTheRefreshIntervalWithinItsLimits() {
        assertEquals(java.time.Duration.ofMillis(500), VipSettings.of("10.0.0.100/24", "eth0").setTimeout());
        assertEquals(java.time.Duration.ofMillis(1000), VipSettings.of("10.0.0.100/24", "eth0").inFlightBound());
        assertEquals(java.time.Duration.ofMillis(1000), withLifetime(4, 2000).setTimeout());
        assertEquals(java.time.Duration.ofMillis(800), withLifetime(8, 800).setTimeout());
        assertEquals(java.time.Duration.ofMillis(2000), withLifetime(0, 2000).setTimeout(), "no lifetime: the command timeout");
    }

    private static VipSettings withLifetime(int seconds, long commandTimeoutMillis) {
        return new VipSettings("10.0.0.100/24", "eth0", 5, 200, 3000, commandTimeoutMillis, "ip", "arping", seconds);
    }

    @Test
    void splitsTheAddressIntoIpAndPrefixLength() {
        VipSettings settings = VipSettings.of("10.0.0.100/24", "eth0");

        assertEquals("10.0.0.100", settings.ip());
        assertEquals(24, settings.prefixLength());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.100", "10.0.0/24", "10.0.0.256/24", "10.0.0.010/24", "10.0.0.1/0",
            "10.0.0.1/33", "10.0.0.1/+8", "fd00::100/64", "vip.example.com/24", "10.0.0.1/24 ", ""})
    void rejectsAddressesThatAreNotIpv4WithPrefix(String address) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VipSettings.of(address, "eth0"));

        assertTrue(e.getMessage().startsWith("vip.address '" + address + "'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-eth0", "eth0:1", "eth 0", "a/b", "..", "averylonginterface"})
    void rejectsInterfaceNamesLinuxWouldNotAcceptOrToolsWouldMisread(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VipSettings.of("10.0.0.100/24", name));

        assertTrue(e.getMessage().startsWith("vip.interface '" + name + "'"), e.getMessage());
    }

    @Test
    void namesTheKeyOfAnOutOfRangeNumber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VipSettings("10.0.0.100/24", "eth0", 0, 200, 3000, 2000, "ip", "arping", 2));

        assertEquals("vip.arp_count is 0, must be in 1..100", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new VipSettings("10.0.0.100/24", "eth0", 5, -1, 3000, 2000, "ip", "arping", 2));
        assertThrows(IllegalArgumentException.class,
                () -> new VipSettings("10.0.0.100/24", "eth0", 5, 200, 3000, 0, "ip", "arping", 2));
    }

    @Test
    void rejectsABlankBinary() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VipSettings("10.0.0.100/24", "eth0", 5, 200, 3000, 2000, " ", "arping", 2));

        assertTrue(e.getMessage().startsWith("vip.ip_binary"), e.getMessage());
    }

    @Test
    void allowsTurningTheReannouncementOff() {
        VipSettings settings = new VipSettings("10.0.0.100/24", "eth0", 1, 0, 0, 2000, "/usr/sbin/ip", "/usr/sbin/arping", 2);

        assertEquals(0, settings.reannounceAfterMillis());
    }
}
