package io.raftgres.watchdog;

import io.raftgres.testkit.InMemoryLogHandler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxWatchdogTest {

    private final FakeWatchdogDevice device = new FakeWatchdogDevice();
    private final LinuxWatchdog watchdog = new LinuxWatchdog(device, 1);

    @Test
    void armOpensChecksSetsAndVerifiesTheTimeoutThenFeeds() {
        assertTrue(watchdog.arm());

        assertEquals(List.of("open", "support", "setTimeout 1", "timeout", "write 1"), device.events());
        assertTrue(watchdog.isArmed());
        assertTrue(watchdog.lastError().isEmpty());
    }

    @Test
    void armingTwiceDoesNothingTheSecondTime() {
        watchdog.arm();
        watchdog.arm();

        assertEquals(5, device.events().size());
    }

    @Test
    void eachKeepaliveWritesOneByte() {
        watchdog.arm();
        watchdog.keepalive();
        watchdog.keepalive();
        watchdog.keepalive();

        assertEquals(List.of("write 1", "write 1", "write 1"), device.events().subList(5, 8));
    }

    @Test
    void disarmWritesTheMagicVThenCloses() {
        watchdog.arm();
        watchdog.disarm();

        assertEquals(List.of("write V", "close"), device.events().subList(5, 7));
        assertFalse(watchdog.isArmed());
    }

    @Test
    void disarmingTwiceIsHarmless() {
        watchdog.arm();
        watchdog.disarm();
        watchdog.disarm();

        assertEquals(7, device.events().size());
    }

    @Test
    void keepaliveAfterDisarmDoesNothing() {
        watchdog.arm();
        watchdog.disarm();
        watchdog.keepalive();

        assertEquals(7, device.events().size());
        assertTrue(watchdog.lastError().isEmpty());
    }

    @Test
    void keepaliveAndDisarmBeforeArmingDoNothing() {
        watchdog.keepalive();
        watchdog.disarm();

        assertEquals(List.of(), device.events());
    }

    @Test
    void canBeArmedAgainAfterDisarm() {
        watchdog.arm();
        watchdog.disarm();

        assertTrue(watchdog.arm());
        assertEquals("open", device.events().get(7));
    }

    @Test
    void aMissingDeviceIsReportedByErrnoName() {
        device.failing("open", Errno.ENOENT);

        assertFalse(watchdog.arm());

        assertEquals(List.of("open"), device.events());
        assertTrue(watchdog.lastError().orElseThrow().contains("ENOENT"), watchdog.lastError().orElseThrow());
    }

    @Test
    void aFailedSetTimeoutClosesTheDeviceWithTheMagicClose() {
        device.failing("setTimeout", Errno.EINVAL);

        assertFalse(watchdog.arm());

        assertEquals(List.of("open", "support", "setTimeout 1", "write V", "close"), device.events());
        assertTrue(watchdog.lastError().orElseThrow().contains("EINVAL"));
        assertFalse(watchdog.isArmed());
    }

    @Test
    void refusesADeviceThatKeepsALongerTimeout() {
        device.withFixedTimeout(60);

        assertFalse(watchdog.arm());

        assertTrue(watchdog.lastError().orElseThrow().contains("runs with a 60 s timeout, 1 s or less is needed"));
        assertEquals(List.of("write V", "close"), device.events().subList(4, 6));
    }

    @Test
    void acceptsADeviceWithoutSetTimeoutWhoseTimeoutIsShortEnough() {
        device.withOptions(WatchdogInfo.MAGICCLOSE).withFixedTimeout(1);

        assertTrue(watchdog.arm());

        assertEquals(List.of("open", "support", "timeout", "write 1"), device.events());
    }

    @Test
    void refusesADeviceWithoutMagicClose() {
        device.withOptions(WatchdogInfo.SETTIMEOUT);

        assertFalse(watchdog.arm());

        assertTrue(watchdog.lastError().orElseThrow().contains("has no magic close"));
        assertFalse(watchdog.isArmed());
    }

    @Test
    void changesTheTimeoutOfAnArmedWatchdog() {
        watchdog.arm();

        assertTrue(watchdog.arm(2));

        assertEquals(List.of("setTimeout 2", "timeout", "write 1"), device.events().subList(5, 8));
    }

    @Test
    void aFailingFeedIsLoggedOncePerStreak() {
        watchdog.arm();
        device.failing("write", Errno.EINVAL);
        try (InMemoryLogHandler log = InMemoryLogHandler.attachTo(LinuxWatchdog.class)) {
            watchdog.keepalive();
            watchdog.keepalive();
            watchdog.keepalive();
            device.repaired("write");
            watchdog.keepalive();

            assertEquals(1, log.messagesAt(Level.SEVERE).size(), log.messagesAt(Level.SEVERE).toString());
            assertTrue(log.messagesAt(Level.SEVERE).getFirst().contains("reset within 1 s"));
            assertTrue(log.messagesAt(Level.INFO).getFirst().contains("fed again"));
        }
        assertTrue(watchdog.isArmed());
    }

    @Test
    void aRegularFileIsNoWatchdogAndIsLeftUntouched(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-watchdog"), "precious");
        LinuxWatchdog real = new LinuxWatchdog(new LinuxWatchdogDevice(file), 1);

        assertFalse(real.arm());

        assertTrue(real.lastError().orElseThrow().contains("ioctl(WDIOC_GETSUPPORT) on " + file + " failed: ENOTTY"),
                real.lastError().orElseThrow());
        assertFalse(real.isArmed());
        assertEquals("precious", Files.readString(file), "no 'V' may be written to a regular file");
        assertEquals(List.of(), OpenFiles.descriptorsOf(file), "the descriptor must be closed");
    }

    @Test
    void theMagicCloseSkipsARegularFileEvenThroughTheFake(@TempDir Path dir) throws IOException {
        FakeWatchdogDevice onAFile = new FakeWatchdogDevice(Files.createFile(dir.resolve("file")))
                .failing("support", Errno.ENOTTY);

        assertFalse(new LinuxWatchdog(onAFile, 1).arm());

        assertEquals(List.of("open", "support", "close"), onAFile.events());
    }
}
