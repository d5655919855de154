package io.raftgres.watchdog;

import io.raftgres.testkit.InMemoryLogHandler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchdogPolicyTest {

    private static final Duration LEASE = Duration.ofMillis(1000);
    private static final Duration ELECTION_MIN = Duration.ofMillis(2000);
    private static final Duration RETRY = Duration.ofSeconds(30);

    private final AtomicLong nanos = new AtomicLong();

    @TempDir
    Path dir;

    private WatchdogPolicy policy(WatchdogMode mode, WatchdogDevice device) {
        WatchdogSettings settings = new WatchdogSettings(mode, device.path(), Duration.ZERO);
        return WatchdogPolicy.create(settings, LEASE, ELECTION_MIN, device, RETRY, nanos::get);
    }

    /** The real FFM device on a regular file: opens fine, every ioctl answers ENOTTY. */
    private WatchdogDevice regularFile() throws IOException {
        return new LinuxWatchdogDevice(Files.createFile(dir.resolve("watchdog")));
    }

    @Test
    void offNeverTouchesTheDevice() {
        FakeWatchdogDevice device = new FakeWatchdogDevice();
        WatchdogPolicy off = policy(WatchdogMode.OFF, device);

        assertTrue(off.arm());
        off.keepalive();
        off.disarm();

        assertEquals(List.of(), device.events());
        assertFalse(off.isArmed());
        assertTrue(off.canBecomePrimary());
        assertFalse(off.watchdogFailed());
    }

    @Test
    void automaticProceedsWithoutAWatchdogWhenTheIoctlAnswersEnotty() throws IOException {
        WatchdogPolicy automatic = policy(WatchdogMode.AUTOMATIC, regularFile());

        assertTrue(automatic.arm(), "automatic mode may promote without a watchdog");

        assertFalse(automatic.isArmed());
        assertTrue(automatic.canBecomePrimary());
        assertFalse(automatic.watchdogFailed());
        assertTrue(automatic.lastError().orElseThrow().contains("ENOTTY"));
    }

    @Test
    void automaticSaysOnceThatTheWatchdogIsUnavailable() throws IOException {
        WatchdogPolicy automatic = policy(WatchdogMode.AUTOMATIC, regularFile());
        try (InMemoryLogHandler log = InMemoryLogHandler.attachTo(WatchdogPolicy.class)) {
            for (int cycle = 0; cycle < 5; cycle++) {
                automatic.arm();
            }

            List<String> warnings = log.messagesAt(Level.WARNING);
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.getFirst().contains("continuing without it"), warnings.getFirst());
            assertTrue(warnings.getFirst().contains("ENOTTY"), warnings.getFirst());
        }
    }

    @Test
    void automaticSaysItAgainAfterTheWatchdogWorkedInBetween() {
        FakeWatchdogDevice device = new FakeWatchdogDevice().failing("open", Errno.EBUSY);
        WatchdogPolicy automatic = policy(WatchdogMode.AUTOMATIC, device);
        try (InMemoryLogHandler log = InMemoryLogHandler.attachTo(WatchdogPolicy.class)) {
            automatic.arm();
            device.repaired("open");
            automatic.arm();
            automatic.disarm();
            device.failing("open", Errno.EBUSY);
            automatic.arm();

            assertEquals(2, log.messagesAt(Level.WARNING).size());
        }
    }

    @Test
    void requiredRefusesToPromoteWhenTheIoctlAnswersEnotty() throws IOException {
        WatchdogPolicy required = policy(WatchdogMode.REQUIRED, regularFile());
        assertTrue(required.canBecomePrimary(), "the file is there, so an attempt is allowed");

        assertFalse(required.arm());

        assertFalse(required.canBecomePrimary());
        assertTrue(required.watchdogFailed());
        assertFalse(required.isArmed());
    }

    @Test
    void requiredRetriesOnlyAfterTheRetryInterval() throws IOException {
        WatchdogPolicy required = policy(WatchdogMode.REQUIRED, regularFile());
        required.arm();

        nanos.addAndGet(RETRY.toNanos() - 1);
        assertFalse(required.canBecomePrimary());
        nanos.addAndGet(1);
        assertTrue(required.canBecomePrimary());
        assertTrue(required.watchdogFailed(), "still failed until an attempt succeeds");
    }

    @Test
    void requiredRecoversOnceTheDeviceCanBeArmed() {
        FakeWatchdogDevice device = new FakeWatchdogDevice().failing("open", Errno.EACCES);
        WatchdogPolicy required = policy(WatchdogMode.REQUIRED, device);
        assertFalse(required.arm());

        device.repaired("open");

        assertTrue(required.arm());
        assertTrue(required.isArmed());
        assertTrue(required.canBecomePrimary());
        assertFalse(required.watchdogFailed());
    }

    @Test
    void requiredReportsFailureForAMissingDeviceBeforeAnyAttempt() {
        WatchdogPolicy required = policy(WatchdogMode.REQUIRED,
                new LinuxWatchdogDevice(dir.resolve("no-such-watchdog")));

        assertTrue(required.watchdogFailed());
        assertFalse(required.canBecomePrimary());
    }

    @Test
    void requiredArmsFeedsAndDisarmsAWorkingDevice() {
        FakeWatchdogDevice device = new FakeWatchdogDevice();
        WatchdogPolicy required = policy(WatchdogMode.REQUIRED, device);

        assertTrue(required.arm());
        required.keepalive();
        required.disarm();

        assertEquals(List.of("open", "support", "setTimeout 1", "timeout", "write 1", "write 1", "write V", "close"),
                device.events());
    }

    @Test
    void requiredWithTimingThatAllowsNoSafeTimeoutIsAConfigurationError() {
        WatchdogSettings settings = new WatchdogSettings(WatchdogMode.REQUIRED, Path.of("/dev/watchdog"),
                Duration.ofSeconds(5));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WatchdogPolicy.create(settings, LEASE, ELECTION_MIN));

        assertTrue(e.getMessage().startsWith("watchdog.mode is required, but no watchdog timeout is safe"), e.getMessage());
    }

    @Test
    void automaticWithTimingThatAllowsNoSafeTimeoutRunsWithoutAndSaysWhy() {
        FakeWatchdogDevice device = new FakeWatchdogDevice();
        WatchdogSettings settings = new WatchdogSettings(WatchdogMode.AUTOMATIC, device.path(), Duration.ofSeconds(5));
        WatchdogPolicy automatic = WatchdogPolicy.create(settings, LEASE, ELECTION_MIN, device, RETRY, nanos::get);

        assertTrue(automatic.arm());

        assertEquals(List.of(), device.events());
        assertTrue(automatic.lastError().orElseThrow().contains("raise election_timeout_min to at least 7000 ms"));
    }
}
