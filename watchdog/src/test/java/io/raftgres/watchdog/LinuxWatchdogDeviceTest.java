package io.raftgres.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real system calls through the foreign function API, against files the test creates. */
class LinuxWatchdogDeviceTest {

    @TempDir
    Path dir;

    @Test
    void everyWatchdogIoctlOnARegularFileFailsWithEnotty() throws Exception {
        LinuxWatchdogDevice device = new LinuxWatchdogDevice(Files.createFile(dir.resolve("fake")));
        device.open();
        try {
            WatchdogException support = assertThrows(WatchdogException.class, device::support);
            WatchdogException set = assertThrows(WatchdogException.class, () -> device.setTimeout(1));
            WatchdogException get = assertThrows(WatchdogException.class, device::timeout);

            assertEquals(Optional.of(Errno.ENOTTY), support.errno());
            assertTrue(support.getMessage().endsWith("failed: ENOTTY (Inappropriate ioctl for device)"),
                    support.getMessage());
            assertTrue(set.getMessage().startsWith("ioctl(WDIOC_SETTIMEOUT)"), set.getMessage());
            assertEquals(Optional.of(Errno.ENOTTY), get.errno());
        } finally {
            device.close();
        }
    }

    @Test
    void writesOneByteThroughWrite2() throws Exception {
        Path file = Files.createFile(dir.resolve("fed"));
        LinuxWatchdogDevice device = new LinuxWatchdogDevice(file);
        device.open();
        device.write((byte) '1');
        device.write((byte) '1');
        device.close();

        assertEquals("11", Files.readString(file));
    }

    @Test
    void opensWriteOnlyAndCloseOnExecAndClosesAgain() throws Exception {
        Path file = Files.createFile(dir.resolve("flags"));
        LinuxWatchdogDevice device = new LinuxWatchdogDevice(file);
        device.open();
        List<Integer> open = OpenFiles.descriptorsOf(file);
        int flags = OpenFiles.flagsOf(open.getFirst());
        device.close();

        assertEquals(1, open.size());
        assertEquals(01, flags & 03, "O_WRONLY");
        assertEquals(02000000, flags & 02000000, "O_CLOEXEC: children must not inherit the watchdog");
        assertEquals(List.of(), OpenFiles.descriptorsOf(file));
        assertFalse(device.isOpen());
    }

    @Test
    void aMissingDeviceFailsWithEnoent() {
        LinuxWatchdogDevice device = new LinuxWatchdogDevice(dir.resolve("watchdog"));

        WatchdogException e = assertThrows(WatchdogException.class, device::open);

        assertEquals(Optional.of(Errno.ENOENT), e.errno());
        assertTrue(e.getMessage().contains("ENOENT (No such file or directory)"), e.getMessage());
        assertFalse(device.isAvailable());
    }

    @Test
    void aDirectoryFailsWithEisdir() {
        WatchdogException e = assertThrows(WatchdogException.class, () -> new LinuxWatchdogDevice(dir).open());

        assertEquals(Optional.of(Errno.EISDIR), e.errno());
    }

    @Test
    void callsOnAClosedDeviceFailWithoutASystemCall() throws IOException, WatchdogException {
        LinuxWatchdogDevice device = new LinuxWatchdogDevice(Files.createFile(dir.resolve("closed")));

        WatchdogException e = assertThrows(WatchdogException.class, () -> device.write((byte) '1'));
        device.close();

        assertTrue(e.getMessage().endsWith("the device is not open"), e.getMessage());
        assertTrue(device.isAvailable());
    }

    @Test
    void closingTwiceIsHarmless() throws Exception {
        Path file = Files.createFile(dir.resolve("twice"));
        LinuxWatchdogDevice device = new LinuxWatchdogDevice(file);
        device.open();
        device.close();
        device.close();

        assertEquals(List.of(), OpenFiles.descriptorsOf(file));
    }
}
