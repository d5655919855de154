package io.raftgres.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.raftgres.agent.config.ConfigFixture.assertOnlyProblem;
import static io.raftgres.agent.config.ConfigFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

class WatchdogVipLogSettingsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"off, OFF", "disable, OFF", "disabled, OFF", "automatic, AUTOMATIC", "auto, AUTOMATIC",
            "required, REQUIRED", "require, REQUIRED", "Required, REQUIRED"})
    void acceptsWatchdogModesAndPatroniAliases(String text, WatchdogSettings.Mode mode) throws ConfigException {
        assertEquals(mode, ConfigFixture.valid().set("watchdog.mode", text).load(dir).watchdog().mode());
    }

    @Test
    void readsUnquotedYamlOffAsModeOff() throws ConfigException {
        Path file = ConfigFixture.writeText(dir, ConfigLoaderTest.FULL.replace("mode: automatic", "mode: off"));

        assertEquals(WatchdogSettings.Mode.OFF, ConfigLoader.load(file, Map.of()).watchdog().mode());
    }

    @Test
    void refusesUnknownWatchdogMode() {
        ConfigException e = ConfigFixture.valid().set("watchdog.mode", true).failure(dir);

        assertOnlyProblem(e, "watchdog.mode", "must be off, automatic or required (aliases: disable(d), auto,"
                + " require), found the boolean true");
    }

    @Test
    void readsWatchdogDeviceAndSafetyMargin() throws ConfigException {
        WatchdogSettings w = ConfigFixture.valid().set("watchdog.device", "/tmp/fake-watchdog")
                .set("watchdog.safety_margin", 2.5).load(dir).watchdog();

        assertEquals(new WatchdogSettings(WatchdogSettings.Mode.AUTOMATIC, Path.of("/tmp/fake-watchdog"),
                Duration.ofMillis(2500)), w);
    }

    @Test
    void refusesNegativeSafetyMarginAndRelativeDevice() {
        ConfigException e = ConfigFixture.valid().set("watchdog.safety_margin", -1).set("watchdog.device", "watchdog")
                .failure(dir);

        assertProblem(e, "watchdog.safety_margin", "must be between 0 and 3600 seconds, found -1");
        assertProblem(e, "watchdog.device", "must be an absolute path");
    }

    @Test
    void readsVipWithDefaults() throws ConfigException {
        VipSettings vip = ConfigFixture.valid().set("vip.address", "192.168.1.10/32").set("vip.interface", "enp0s3")
                .load(dir).vip();

        assertEquals(new VipSettings("192.168.1.10/32", "enp0s3", 5, Duration.ofMillis(200), Duration.ofSeconds(1)), vip);
        assertEquals(32, vip.prefixLength());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.100", "10.0.0.256/24", "10.0.0/24", "10.0.0.1/33", "10.0.0.1/0", "fe80::1/64"})
    void refusesVipAddressThatIsNotIpv4Cidr(String address) {
        ConfigException e = ConfigFixture.valid().set("vip.address", address).set("vip.interface", "eth0")
                .failure(dir);

        assertOnlyProblem(e, "vip.address", "must be an IPv4 address with a prefix length, like 10.0.0.100/24");
    }

    @Test
    void requiresVipInterface() {
        ConfigException e = ConfigFixture.valid().set("vip.address", "10.0.0.100/24").failure(dir);

        assertOnlyProblem(e, "vip.interface", "missing required key");
    }

    @Test
    void refusesBadVipInterfaceAndArpSettings() {
        ConfigException e = ConfigFixture.valid().set("vip.address", "10.0.0.100/24")
                .set("vip.interface", "an-interface-name-too-long").set("vip.arp_count", 0)
                .set("vip.arp_interval_ms", "fast").failure(dir);

        assertProblem(e, "vip.interface", "must be a network interface name");
        assertProblem(e, "vip.arp_count", "must be between 1 and 100, found 0");
        assertProblem(e, "vip.arp_interval_ms", "must be a whole number, found 'fast'");
        assertEquals(3, e.problems().size());
    }

    @Test
    void readsVipLifetimeAndZeroForAPermanentAddress() throws ConfigException {
        VipSettings three = ConfigFixture.valid().set("vip.address", "10.0.0.100/24").set("vip.interface", "eth0")
                .set("raft.election_timeout_min", 3000).set("raft.election_timeout_max", 3500)
                .set("vip.lifetime_s", 3).load(dir).vip();
        VipSettings permanent = ConfigFixture.valid().set("vip.address", "10.0.0.100/24").set("vip.interface", "eth0")
                .set("vip.lifetime_s", 0).load(dir).vip();

        assertEquals(Duration.ofSeconds(3), three.lifetime());
        assertEquals(Duration.ZERO, permanent.lifetime());
    }

    @Test
    void refusesAVipLifetimeThatOutlivesTheEarliestTakeover() {
        // Defaults: 2000 ms election timeout + 1620 ms takeover delay; 3 s + 1 s + 250 ms is later.
        ConfigException e = ConfigFixture.valid().set("vip.address", "10.0.0.100/24").set("vip.interface", "eth0")
                .set("vip.lifetime_s", 3).failure(dir);

        assertOnlyProblem(e, "vip.lifetime_s", "lifetime_s (3 s) + 1 s of kernel rounding + heartbeat_interval (250ms)"
                + " = 4250ms must be less than election_timeout_min + takeover delay (2000ms + 1620ms = 3620ms)");
    }

    @Test
    void refusesARequiredWatchdogWhenTheTimingLeavesNoWholeSecondForIt() throws ConfigException {
        ConfigException e = ConfigFixture.valid().set("watchdog.mode", "required")
                .set("raft.election_timeout_min", 1600).set("raft.election_timeout_max", 2000)
                .set("raft.lease", 900).set("raft.fence_budget", 300).failure(dir);

        assertOnlyProblem(e, "watchdog.mode", "is required, but no watchdog timeout is safe: lease 900 ms");
        assertEquals(WatchdogSettings.Mode.AUTOMATIC, ConfigFixture.valid().set("watchdog.mode", "automatic")
                .set("raft.election_timeout_min", 1600).set("raft.election_timeout_max", 2000)
                .set("raft.lease", 900).set("raft.fence_budget", 300).load(dir).watchdog().mode(),
                "automatic goes on without a watchdog and says so at start");
    }

    @Test
    void refusesANegativeVipLifetime() {
        ConfigException e = ConfigFixture.valid().set("vip.address", "10.0.0.100/24").set("vip.interface", "eth0")
                .set("vip.lifetime_s", -1).failure(dir);

        assertOnlyProblem(e, "vip.lifetime_s", "must be between 0 and 3600, found -1");
    }

    @Test
    void readsLogLevelCaseInsensitivelyWithWarningAlias() throws ConfigException {
        assertEquals("WARN", ConfigFixture.valid().set("log.level", "warning").load(dir).log().level());
        assertEquals("DEBUG", ConfigFixture.valid().set("log.level", "Debug").load(dir).log().level());
    }

    @Test
    void refusesUnknownLogLevelAndKeys() {
        ConfigException e = ConfigFixture.valid().set("log.level", "chatty").set("log.handlers", "json").failure(dir);

        assertProblem(e, "log.level", "must be one of TRACE, DEBUG, INFO, WARN, ERROR, found 'chatty'");
        assertProblem(e, "log.handlers", "unknown key; known keys here: level, type, format, dir");
    }

    @Test
    void readsPatronisLogSection() throws ConfigException {
        LogSettings log = ConfigFixture.valid().set("log.level", "CRITICAL").set("log.type", "json")
                .set("log.dir", "/var/log/raftgres").set("log.file_size", 50_000_000).set("log.file_num", 10)
                .set("log.loggers", Map.of("org.apache.ratis", "WARNING")).set("log.static_fields", Map.of("dc", 3))
                .set("log.deduplicate_heartbeat_logs", false).load(dir).log();

        assertEquals(new LogSettings("ERROR", true, Path.of("/var/log/raftgres"), 50_000_000, 10,
                Map.of("org.apache.ratis", "WARN"), Map.of("dc", "3"), false), log);
        assertEquals(Path.of("/var/log/raftgres/raftgres.log"), log.file());
    }

    @Test
    void takesFormatPlainOrJsonAndDefaultsToPlainStdoutWithPatronisFileLimits() throws ConfigException {
        assertEquals(true, ConfigFixture.valid().set("log.format", "json").load(dir).log().json());
        LogSettings log = ConfigFixture.valid().load(dir).log();
        assertEquals(new LogSettings("INFO", false, null, 25_000_000, 4, Map.of(), Map.of(), true), log);
    }

    @Test
    void refusesPatroniLogKeysItCannotHonourSayingWhatToDo() {
        ConfigException e = ConfigFixture.valid().set("log.format", "%(asctime)s %(levelname)s: %(message)s")
                .set("log.dateformat", "%Y-%m-%d").set("log.mode", 0640).set("log.file_num", 50)
                .set("log.loggers", Map.of("patroni.postmaster", "LOUD")).failure(dir);

        assertProblem(e, "log.format", "must be plain or json, found '%(asctime)s %(levelname)s: %(message)s';"
                + " raftgres has a fixed line layout (time level [member] message): remove it, or set log.type: json");
        assertProblem(e, "log.dateformat", "remove it: raftgres prints HH:mm:ss.SSS");
        assertProblem(e, "log.mode", "remove it: log files are created with the process umask");
        assertProblem(e, "log.file_num", "must be between 1 and 20, found 50");
        assertProblem(e, "log.loggers.patroni.postmaster", "must be one of TRACE, DEBUG, INFO, WARN, ERROR");
    }
}
