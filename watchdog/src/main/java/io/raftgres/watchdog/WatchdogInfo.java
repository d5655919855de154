package io.raftgres.watchdog;

/**
 * What a Linux watchdog driver says about itself ({@code struct watchdog_info} from
 * {@code WDIOC_GETSUPPORT}). Immutable.
 *
 * @param options         {@code WDIOF_*} capability bits
 * @param firmwareVersion the driver's firmware version, often 0
 * @param identity        the driver's name, e.g. "Software Watchdog"
 */
public record WatchdogInfo(int options, int firmwareVersion, String identity) {

    /** {@code WDIOF_SETTIMEOUT}: the timeout can be changed with {@code WDIOC_SETTIMEOUT}. */
    public static final int SETTIMEOUT = 0x0080;
    /** {@code WDIOF_MAGICCLOSE}: writing 'V' before close stops the countdown. */
    public static final int MAGICCLOSE = 0x0100;
    /** {@code WDIOF_KEEPALIVEPING}: the driver supports keepalive pings. */
    public static final int KEEPALIVEPING = 0x8000;

    public boolean canSetTimeout() {
        return (options & SETTIMEOUT) != 0;
    }

    public boolean hasMagicClose() {
        return (options & MAGICCLOSE) != 0;
    }
}
