package io.raftgres.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WatchdogIoctlTest {

    @Test
    void requestNumbersMatchLinuxOnX86AndArm64() {
        assertEquals(0x80285700, WatchdogIoctl.GETSUPPORT);
        assertEquals(0xC0045706, WatchdogIoctl.SETTIMEOUT);
        assertEquals(0x80045707, WatchdogIoctl.GETTIMEOUT);
        assertEquals(0x80045705, WatchdogIoctl.KEEPALIVE);
    }

    @Test
    void requestsArePassedZeroExtendedAsCUnsignedLong() {
        assertEquals(0x80285700L, WatchdogIoctl.asRequest(WatchdogIoctl.GETSUPPORT));
        assertEquals(0xC0045706L, WatchdogIoctl.asRequest(WatchdogIoctl.SETTIMEOUT));
    }

    @Test
    void namesRequestsForErrorMessages() {
        assertEquals("WDIOC_SETTIMEOUT", WatchdogIoctl.name(WatchdogIoctl.SETTIMEOUT));
        assertEquals("ioctl 0x80045701", WatchdogIoctl.name(0x80045701));
    }

    @Test
    void refusesArgumentSizesTheEncodingCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> WatchdogIoctl.encode(WatchdogIoctl.DIRECTION_READ, 0, 1 << 14));
    }

    @Test
    void namesCommonErrnoValues() {
        assertEquals("ENOTTY", Errno.name(25));
        assertEquals("EACCES", Errno.name(13));
        assertEquals("errno 4095", Errno.name(4095));
    }
}
