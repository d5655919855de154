package io.raftgres.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WatchdogSettingsTest {

    private static final Duration LEASE = Duration.ofMillis(1000);

    @Test
    void defaultTimingForcesAOneSecondTimeout() {
        assertEquals(1, WatchdogSettings.requiredTimeoutSeconds(LEASE, Duration.ofMillis(2000)));
    }

    @ParameterizedTest
    @CsvSource({"1000, 2999, 0, 1", "1000, 3000, 0, 2", "1000, 2500, 500, 1", "250, 10000, 0, 9",
            "1000, 3000, 1, 1"})
    void picksTheLargestWholeSecondTimeoutWithLeasePlusTimeoutPlusMarginWithinElectionTimeout(
            long leaseMs, long electionMs, long marginMs, int expected) {
        int timeout = WatchdogSettings.requiredTimeoutSeconds(Duration.ofMillis(leaseMs), Duration.ofMillis(electionMs),
                Duration.ofMillis(marginMs));

        assertEquals(expected, timeout);
        assertTrue(leaseMs + timeout * 1000L + marginMs <= electionMs);
    }

    @Test
    void refusesWhenNotEvenOneSecondFitsAndSaysWhatToRaise() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WatchdogSettings.requiredTimeoutSeconds(LEASE, Duration.ofMillis(2000), Duration.ofMillis(500)));

        assertTrue(e.getMessage().contains("lease 1000 ms + shortest watchdog timeout 1000 ms + safety margin 500 ms"
                + " = 2500 ms exceeds the minimum election timeout 2000 ms"), e.getMessage());
        assertTrue(e.getMessage().contains("raise election_timeout_min to at least 2500 ms"), e.getMessage());
    }

    @Test
    void refusesAnElectionTimeoutShorterThanLeasePlusOneSecond() {
        assertThrows(IllegalArgumentException.class,
                () -> WatchdogSettings.requiredTimeoutSeconds(LEASE, Duration.ofMillis(1999)));
    }

    @Test
    void usesItsOwnMargin() {
        WatchdogSettings settings = new WatchdogSettings(WatchdogMode.REQUIRED, Path.of("/dev/watchdog"),
                Duration.ofMillis(500));

        assertEquals(1, settings.timeoutSeconds(LEASE, Duration.ofMillis(2500)));
        assertThrows(IllegalArgumentException.class, () -> settings.timeoutSeconds(LEASE, Duration.ofMillis(2000)));
    }

    @Test
    void defaultsToAutomaticOnDevWatchdogWithoutMargin() {
        assertEquals(new WatchdogSettings(WatchdogMode.AUTOMATIC, Path.of("/dev/watchdog"), Duration.ZERO),
                WatchdogSettings.DEFAULT);
    }

    @Test
    void rejectsARelativeDeviceAndANegativeMargin() {
        IllegalArgumentException device = assertThrows(IllegalArgumentException.class,
                () -> new WatchdogSettings(WatchdogMode.AUTOMATIC, Path.of("watchdog"), Duration.ZERO));
        IllegalArgumentException margin = assertThrows(IllegalArgumentException.class,
                () -> new WatchdogSettings(WatchdogMode.AUTOMATIC, Path.of("/dev/watchdog"), Duration.ofMillis(-1)));

        assertEquals("watchdog.device 'watchdog' must be an absolute path", device.getMessage());
        assertEquals("watchdog.safety_margin is -1 ms, must be in 0..60000 ms", margin.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"off, OFF", "false, OFF", "Disabled, OFF", "auto, AUTOMATIC", "automatic, AUTOMATIC",
            "require, REQUIRED", "REQUIRED, REQUIRED"})
    void parsesModesWithPatronisAliases(String text, WatchdogMode expected) {
        assertEquals(expected, WatchdogMode.fromConfig(text));
    }

    @Test
    void rejectsAnUnknownModeListingTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WatchdogMode.fromConfig("sometimes"));

        assertEquals("watchdog.mode 'sometimes' must be one of off, automatic, required", e.getMessage());
    }
}
