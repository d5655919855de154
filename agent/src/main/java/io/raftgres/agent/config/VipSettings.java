package io.raftgres.agent.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The optional {@code vip} section: the floating IPv4 address the primary holds, and how it
 * announces it with gratuitous ARP.
 *
 * @param address       the address with its prefix length, {@code a.b.c.d/nn}
 * @param interfaceName network interface to add it to
 * @param arpCount      gratuitous ARP announcements sent after adding the address
 * @param arpInterval   pause between announcements
 * @param lifetime      kernel lifetime of the address, renewed while the lease is valid; zero = permanent
 */
public record VipSettings(String address, String interfaceName, int arpCount, Duration arpInterval,
                          Duration lifetime) {
    static final List<String> KEYS = List.of("address", "interface", "arp_count", "arp_interval_ms", "lifetime_s");
    static final int DEFAULT_ARP_COUNT = 5;
    static final long DEFAULT_ARP_INTERVAL_MS = 200;
    static final long DEFAULT_LIFETIME_S = io.raftgres.vip.VipSettings.DEFAULT_LIFETIME_SECONDS;
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");
    /** Linux interface names are at most 15 bytes (IFNAMSIZ - 1), no ':' or '/'; no leading '-' (read as an option). */
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.@][A-Za-z0-9_.@-]{0,14}");

    public VipSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(arpInterval, "arpInterval");
        Objects.requireNonNull(lifetime, "lifetime");
    }

    /** The vip module's settings for this section: its defaults for what the section does not set. */
    public io.raftgres.vip.VipSettings control() {
        io.raftgres.vip.VipSettings defaults = io.raftgres.vip.VipSettings.of(address, interfaceName);
        return new io.raftgres.vip.VipSettings(address, interfaceName, arpCount, arpInterval.toMillis(),
                defaults.reannounceAfterMillis(), defaults.commandTimeoutMillis(), defaults.ipBinary(),
                defaults.arpingBinary(), Math.toIntExact(lifetime.toSeconds()));
    }

    /** The address without its prefix length, e.g. {@code 10.0.0.100}. */
    public String ip() {
        return address.substring(0, address.indexOf('/'));
    }

    /** The prefix length, e.g. 24. */
    public int prefixLength() {
        return Integer.parseInt(address.substring(address.indexOf('/') + 1));
    }

    static VipSettings read(YamlSection s) {
        int before = s.problems().count();
        s.rejectUnknownKeys(KEYS);
        String address = s.string("address", null);
        if (address != null && !isCidr(address)) {
            s.problem("address", "must be an IPv4 address with a prefix length, like 10.0.0.100/24, found '"
                    + address + "'");
        }
        String iface = s.string("interface", null);
        if (iface != null && !INTERFACE.matcher(iface).matches()) {
            s.problem("interface", "must be a network interface name (at most 15 characters), found '" + iface + "'");
        }
        Long count = s.integer("arp_count", DEFAULT_ARP_COUNT, 1, 100);
        Long interval = s.integer("arp_interval_ms", DEFAULT_ARP_INTERVAL_MS, 1, 10_000);
        Long lifetime = s.integer("lifetime_s", DEFAULT_LIFETIME_S, 0, 3600);
        return s.problems().count() == before
                ? new VipSettings(address, iface, count.intValue(), Duration.ofMillis(interval),
                        Duration.ofSeconds(lifetime))
                : null;
    }

    private static boolean isCidr(String text) {
        Matcher m = CIDR.matcher(text);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        int prefix = Integer.parseInt(m.group(5));
        return prefix >= 1 && prefix <= 32;
    }
}
