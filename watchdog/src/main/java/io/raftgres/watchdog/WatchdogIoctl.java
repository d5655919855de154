package io.raftgres.watchdog;

/**
 * The watchdog ioctl request numbers of {@code linux/watchdog.h}, computed the way the kernel's
 * {@code _IOR}/{@code _IOWR} macros do for the generic encoding used by x86_64 and aarch64
 * ({@code asm-generic/ioctl.h}): bits 0-7 number, 8-15 type ('W'), 16-29 argument size,
 * 30-31 direction (1 = write, 2 = read, both = 3). Other architectures (powerpc, mips, sparc,
 * parisc) lay the bits out differently; {@link LinuxWatchdogDevice} refuses to run there.
 */
final class WatchdogIoctl {

    static final int DIRECTION_WRITE = 1;
    static final int DIRECTION_READ = 2;
    /** {@code sizeof(struct watchdog_info)}: u32 options, u32 firmware_version, u8 identity[32]. */
    static final int WATCHDOG_INFO_SIZE = 40;
    private static final int INT_SIZE = 4;
    private static final char TYPE = 'W';

    static final int GETSUPPORT = encode(DIRECTION_READ, 0, WATCHDOG_INFO_SIZE);
    static final int KEEPALIVE = encode(DIRECTION_READ, 5, INT_SIZE);
    static final int SETTIMEOUT = encode(DIRECTION_READ | DIRECTION_WRITE, 6, INT_SIZE);
    static final int GETTIMEOUT = encode(DIRECTION_READ, 7, INT_SIZE);

    private WatchdogIoctl() {
    }

    /** {@code _IOC(direction, 'W', number, size)}. */
    static int encode(int direction, int number, int size) {
        if (size < 0 || size >= 1 << 14 || number < 0 || number > 0xff || direction < 0 || direction > 3) {
            throw new IllegalArgumentException("not encodable: dir " + direction + " nr " + number + " size " + size);
        }
        return direction << 30 | size << 16 | TYPE << 8 | number;
    }

    /** The request as the C {@code unsigned long} argument of ioctl(2): zero-extended, never negative. */
    static long asRequest(int encoded) {
        return Integer.toUnsignedLong(encoded);
    }

    static String name(int encoded) {
        if (encoded == GETSUPPORT) {
            return "WDIOC_GETSUPPORT";
        } else if (encoded == SETTIMEOUT) {
            return "WDIOC_SETTIMEOUT";
        } else if (encoded == GETTIMEOUT) {
            return "WDIOC_GETTIMEOUT";
        } else if (encoded == KEEPALIVE) {
            return "WDIOC_KEEPALIVE";
        }
        return "ioctl 0x" + Integer.toHexString(encoded);
    }
}
