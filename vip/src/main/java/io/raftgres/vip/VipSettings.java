package io.raftgres.vip;

import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of the floating IP, the {@code vip} section of the agent's YAML:
 * <pre>
 * vip:
 *   address: 10.0.0.100/24         # IPv4 address with prefix length, added as is
 *   interface: eth0                # the interface clients reach this host on
 *   arp_count: 5                   # gratuitous ARPs sent right after the VIP is added
 *   arp_interval_ms: 200           # spacing of those announcements
 *   reannounce_after_ms: 3000      # one more announcement this long after adding; 0 = none
 *   command_timeout_ms: 2000       # bound on every ip/arping run
 *   lifetime_s: 1                  # the kernel deletes the VIP this long after the last refresh; 0 = never
 *   ip_binary: ip                  # iproute2
 *   arping_binary: arping          # iputils-arping (its -U/-c/-I flags are used)
 * </pre>
 * Only IPv4 is supported: gratuitous ARP has no IPv6 meaning (that would need unsolicited
 * neighbour advertisements). The address and interface are validated here so that a bad value
 * fails at start with a clear message instead of as an {@code ip} error during a failover, and
 * so that no value can be taken for a command-line option.
 *
 * <p>The lifetime makes the kernel itself give the address up when the agent stops refreshing it:
 * a frozen agent (SIGSTOP, cgroup freeze, a stalled VM vCPU while the NIC still answers) cannot
 * refresh, so its host stops answering ARP for the VIP a bounded time later, without any help
 * from the frozen process. Linux rounds the expiry up to a whole second, so the address is gone
 * between {@code lifetime_s} and {@code lifetime_s + 1} seconds after the last refresh.
 *
 * <p>Immutable; safe to share between threads.
 */
public record VipSettings(String address, String interfaceName, int arpCount, long arpIntervalMillis,
                          long reannounceAfterMillis, long commandTimeoutMillis,
                          String ipBinary, String arpingBinary, int lifetimeSeconds) {

    public static final int DEFAULT_ARP_COUNT = 5;
    public static final long DEFAULT_ARP_INTERVAL_MILLIS = 200;
    public static final long DEFAULT_REANNOUNCE_AFTER_MILLIS = 3000;
    public static final long DEFAULT_COMMAND_TIMEOUT_MILLIS = 2000;
    public static final int DEFAULT_LIFETIME_SECONDS = 1;
    /** Refreshes per lifetime: three may be missed (a slow fork, a GC pause) before the VIP lapses. */
    private static final int REFRESHES_PER_LIFETIME = 4;

    /** Linux IFNAMSIZ is 16 including the terminating NUL. */
    private static final int MAX_INTERFACE_NAME = 15;

    public VipSettings {
        Objects.requireNonNull(address, "vip.address is required");
        Objects.requireNonNull(interfaceName, "vip.interface is required");
        parseCidr(address);
        validateInterface(interfaceName);
        requireRange("vip.arp_count", arpCount, 1, 100);
        requireRange("vip.arp_interval_ms", arpIntervalMillis, 0, 60_000);
        requireRange("vip.reannounce_after_ms", reannounceAfterMillis, 0, 600_000);
        requireRange("vip.command_timeout_ms", commandTimeoutMillis, 100, 60_000);
        requireBinary("vip.ip_binary", ipBinary);
        requireBinary("vip.arping_binary", arpingBinary);
        requireRange("vip.lifetime_s", lifetimeSeconds, 0, 3600);
    }

    /** Settings with every default, for {@code address} on {@code interfaceName}. */
    public static VipSettings of(String address, String interfaceName) {
        return new VipSettings(address, interfaceName, DEFAULT_ARP_COUNT, DEFAULT_ARP_INTERVAL_MILLIS,
                DEFAULT_REANNOUNCE_AFTER_MILLIS, DEFAULT_COMMAND_TIMEOUT_MILLIS, "ip", "arping",
                DEFAULT_LIFETIME_SECONDS);
    }

    /** The address without its prefix length, as arping wants it: {@code 10.0.0.100}. */
    public String ip() {
        return address.substring(0, address.indexOf('/'));
    }

    /** The prefix length: 24 for {@code 10.0.0.100/24}. */
    public int prefixLength() {
        return Integer.parseInt(address.substring(address.indexOf('/') + 1));
    }

    public Duration arpInterval() {
        return Duration.ofMillis(arpIntervalMillis);
    }

    public Duration reannounceAfter() {
        return Duration.ofMillis(reannounceAfterMillis);
    }

    public Duration commandTimeout() {
        return Duration.ofMillis(commandTimeoutMillis);
    }

    /** Whether the VIP is installed with a kernel lifetime (and must be refreshed). */
    public boolean expires() {
        return lifetimeSeconds > 0;
    }

    /** The kernel lifetime ({@code lifetime_s}); zero: the VIP never expires by itself. */
    public Duration lifetime() {
        return Duration.ofSeconds(lifetimeSeconds);
    }

    /**
     * The longest a {@link IpVipControl#remove} may take before the address is gone: it may wait for an add or a
     * renewal in flight ({@link #inFlightBound()}), then its own commands share one command timeout and may overrun
     * it by the kill's grace. 3.5 s with the defaults (5 s without a lifetime).
     */
    public Duration removalBound() {
        return inFlightBound().plus(commandTimeout()).plus(ProcessCommandRunner.GRACE);
    }

    /**
     * The longest an add or a renewal holds the VIP's lock, which is also how long after it started its command may
     * still set the address's lifetime: its commands share {@link #setTimeout()} and may overrun it by the kill's
     * grace. 1 s with the defaults.
     */
    public Duration inFlightBound() {
        return setTimeout().plus(ProcessCommandRunner.GRACE);
    }

    /** The shortest {@link #setTimeout()} of a VIP with a lifetime: a fork and exec of {@code ip} on a busy host. */
    static final Duration MIN_SET_TIMEOUT = Duration.ofMillis(500);

    /**
     * The time one add or renewal may spend on its commands: with a lifetime the refresh interval, at least
     * {@link #MIN_SET_TIMEOUT} and at most the command timeout, since the old primary's VIP counts as gone only
     * that long (and the lifetime) after the command started ({@code SafetyTiming.vipGoneAfterHeartbeat}); without
     * one the command timeout. A command that runs out is killed; the add or renewal is retried.
     */
    public Duration setTimeout() {
        if (!expires()) {
            return commandTimeout();
        }
        Duration t = refreshInterval().compareTo(MIN_SET_TIMEOUT) > 0 ? refreshInterval() : MIN_SET_TIMEOUT;
        return t.compareTo(commandTimeout()) < 0 ? t : commandTimeout();
    }

    /** How often the holder refreshes the lifetime; meaningless when {@link #expires()} is false. */
    public Duration refreshInterval() {
        return Duration.ofMillis(lifetimeSeconds * 1000L / REFRESHES_PER_LIFETIME);
    }

    private static void parseCidr(String address) {
        int slash = address.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("vip.address '" + address
                    + "' needs a prefix length, e.g. 10.0.0.100/24");
        }
        String[] octets = address.substring(0, slash).split("\\.", -1);
        if (octets.length != 4) {
            throw new IllegalArgumentException("vip.address '" + address
                    + "' is not an IPv4 address (only IPv4 VIPs are supported)");
        }
        for (String octet : octets) {
            requireNumber("vip.address '" + address + "': octet '" + octet + "'", octet, 0, 255);
        }
        requireNumber("vip.address '" + address + "': prefix length", address.substring(slash + 1), 1, 32);
    }

    private static void requireNumber(String what, String digits, int min, int max) {
        // Only plain decimal digits: "010" or "+1" would be read differently by ip and by us.
        boolean plain = !digits.isEmpty() && digits.length() <= 3 && digits.chars().allMatch(Character::isDigit)
                && (digits.length() == 1 || digits.charAt(0) != '0');
        if (!plain || Integer.parseInt(digits) < min || Integer.parseInt(digits) > max) {
            throw new IllegalArgumentException(what + " must be a decimal number in " + min + ".." + max);
        }
    }

    private static void validateInterface(String name) {
        boolean valid = !name.isEmpty() && name.length() <= MAX_INTERFACE_NAME
                && !name.equals(".") && !name.equals("..") && name.charAt(0) != '-'
                && name.chars().allMatch(c -> c > ' ' && c < 127 && c != '/' && c != ':');
        if (!valid) {
            throw new IllegalArgumentException("vip.interface '" + name + "' is not a valid Linux interface"
                    + " name (1-15 printable characters, no '/', ':' or spaces, not starting with '-')");
        }
    }

    private static void requireRange(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " is " + value + ", must be in " + min + ".." + max);
        }
    }

    private static void requireBinary(String key, String binary) {
        if (binary == null || binary.isBlank() || binary.startsWith("-")) {
            throw new IllegalArgumentException(key + " must name an executable, got '" + binary + "'");
        }
    }
}
