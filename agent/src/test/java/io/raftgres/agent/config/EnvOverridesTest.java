package io.raftgres.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.raftgres.agent.config.ConfigFixture.assertOnlyProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class EnvOverridesTest {
    @TempDir
    Path dir;

    static Stream<Arguments> overrides() {
        return Stream.of(
                override("RAFTGRES_NAME", "n7", RaftgresConfig::name, "n7"),
                override("RAFTGRES_SCOPE", "prod", RaftgresConfig::scope, "prod"),
                override("RAFTGRES_RESTAPI_LISTEN", "127.0.0.1:9008", c -> c.restapi().listen(),
                        new HostPort("127.0.0.1", 9008)),
                override("RAFTGRES_RESTAPI_CONNECT_ADDRESS", "10.0.0.1:8008", c -> c.restapi().connectAddress(),
                        new HostPort("10.0.0.1", 8008)),
                override("RAFTGRES_RAFT_SELF_ADDR", "127.0.0.1:6010", c -> c.raft().selfAddr(),
                        new HostPort("127.0.0.1", 6010)),
                override("RAFTGRES_RAFT_PARTNER_ADDRS", "127.0.0.1:6011, 127.0.0.1:6012",
                        c -> c.raft().partnerAddrs(),
                        List.of(new HostPort("127.0.0.1", 6011), new HostPort("127.0.0.1", 6012))),
                override("RAFTGRES_RAFT_DATA_DIR", "/srv/raft", c -> c.raft().dataDir(), Path.of("/srv/raft")),
                override("RAFTGRES_RAFT_LEASE", "900ms", c -> c.raft().lease(), Duration.ofMillis(900)),
                override("RAFTGRES_POSTGRESQL_LISTEN", "127.0.0.1:6433", c -> c.postgresql().listen(),
                        new HostPort("127.0.0.1", 6433)),
                override("RAFTGRES_POSTGRESQL_CONNECT_ADDRESS", "10.0.0.1:5433",
                        c -> c.postgresql().connectAddress(), new HostPort("10.0.0.1", 5433)),
                override("RAFTGRES_POSTGRESQL_DATA_DIR", "/srv/pg", c -> c.postgresql().dataDir(), Path.of("/srv/pg")),
                override("RAFTGRES_POSTGRESQL_BIN_DIR", "/opt/pg/bin", c -> c.postgresql().binDir(),
                        Path.of("/opt/pg/bin")),
                override("RAFTGRES_POSTGRESQL_OS_USER", "pg", c -> c.postgresql().osUser(), "pg"),
                override("RAFTGRES_SUPERUSER_USERNAME", "root_pg", c -> c.postgresql().superuser().username(),
                        "root_pg"),
                override("RAFTGRES_SUPERUSER_PASSWORD", "pw1", c -> c.postgresql().superuser().password(), "pw1"),
                override("RAFTGRES_REPLICATION_USERNAME", "repl", c -> c.postgresql().replication().username(),
                        "repl"),
                override("RAFTGRES_REPLICATION_PASSWORD", "pw2", c -> c.postgresql().replication().password(), "pw2"),
                override("RAFTGRES_WATCHDOG_MODE", "required", c -> c.watchdog().mode(),
                        WatchdogSettings.Mode.REQUIRED),
                override("RAFTGRES_WATCHDOG_DEVICE", "/dev/watchdog1", c -> c.watchdog().device(),
                        Path.of("/dev/watchdog1")),
                override("RAFTGRES_TAGS_NOFAILOVER", "true", c -> c.tags().nofailover(), true),
                override("RAFTGRES_TAGS_RACK", "r1", c -> c.tags().custom(), Map.of("rack", "r1")),
                override("RAFTGRES_LOG_LEVEL", "debug", c -> c.log().level(), "DEBUG"));
    }

    private static Arguments override(String variable, String value, Function<RaftgresConfig, Object> read,
                                      Object expected) {
        return Arguments.of(variable, value, read, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overrides")
    void environmentVariableOverridesFileValue(String variable, String value, Function<RaftgresConfig, Object> read,
                                               Object expected) throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().load(dir, Map.of(variable, value));

        assertEquals(expected, read.apply(c));
    }

    @Test
    void setsRestApiCredentialsTogether() throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().load(dir,
                Map.of("RAFTGRES_RESTAPI_USERNAME", "admin", "RAFTGRES_RESTAPI_PASSWORD", "pw"));

        assertEquals(new Credentials("admin", "pw"), c.restapi().authentication());
    }

    @Test
    void setsRewindCredentialsCreatingTheSection() throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().load(dir,
                Map.of("RAFTGRES_REWIND_USERNAME", "rw", "RAFTGRES_REWIND_PASSWORD", "pw"));

        assertEquals(new Credentials("rw", "pw"), c.postgresql().rewind());
    }

    @Test
    void setsVipSectionFromVariablesAlone() throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().load(dir,
                Map.of("RAFTGRES_VIP_ADDRESS", "10.0.0.100/24", "RAFTGRES_VIP_INTERFACE", "eth0",
                        "RAFTGRES_VIP_ARP_COUNT", "3"));

        assertEquals(new VipSettings("10.0.0.100/24", "eth0", 3, Duration.ofMillis(200), Duration.ofSeconds(1)), c.vip());
    }

    @Test
    void suppliesRequiredKeysMissingFromFile() throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().remove("name").remove("raft.self_addr")
                .load(dir, Map.of("RAFTGRES_NAME", "n2", "RAFTGRES_RAFT_SELF_ADDR", "127.0.0.1:5010"));

        assertEquals("n2", c.name());
        assertEquals(new HostPort("127.0.0.1", 5010), c.raft().selfAddr());
    }

    @Test
    void emptyPartnerListMakesSingleMemberGroup() throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().load(dir, Map.of("RAFTGRES_RAFT_PARTNER_ADDRS", ""));

        assertEquals(1, c.raft().groupSize());
    }

    @Test
    void parsesBooleanTextForTypedKeys() throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().set("raft.partner_addrs", List.of("127.0.0.1:5011"))
                .load(dir, Map.of("RAFTGRES_RAFT_ALLOW_UNSAFE_GROUP_SIZE", "TRUE"));

        assertEquals(2, c.raft().groupSize());
    }

    @Test
    void namesTheVariableWhenItsValueIsInvalid() {
        ConfigException e = ConfigFixture.valid().failure(dir, Map.of("RAFTGRES_RAFT_SELF_ADDR", "localhost"));

        assertOnlyProblem(e, "raft.self_addr", "missing port");
        assertEquals(dir.resolve(ConfigFixture.FILE_NAME) + ": raft.self_addr: missing port: expected host:port or"
                + " [ipv6]:port, got 'localhost' (value from environment variable RAFTGRES_RAFT_SELF_ADDR)",
                e.getMessage());
    }

    @Test
    void namesTheVariableForProblemsInListElements() {
        ConfigException e = ConfigFixture.valid()
                .failure(dir, Map.of("RAFTGRES_RAFT_PARTNER_ADDRS", "127.0.0.1:5011,bad"));

        assertOnlyProblem(e, "raft.partner_addrs[1]", "(value from environment variable RAFTGRES_RAFT_PARTNER_ADDRS)");
    }

    @Test
    void reportsMistypedVariableInKnownSectionWithSuggestion() {
        ConfigException e = ConfigFixture.valid().failure(dir, Map.of("RAFTGRES_RAFT_SELFADDR", "127.0.0.1:1"));

        ConfigProblem p = assertOnlyProblem(e, "RAFTGRES_RAFT_SELFADDR",
                "unknown variable; did you mean RAFTGRES_RAFT_SELF_ADDR?");
        assertEquals("environment", p.file());
    }

    @Test
    void reportsUnknownVariableListingSettableKeys() {
        ConfigException e = ConfigFixture.valid().failure(dir, Map.of("RAFTGRES_RESTAPI_CIPHERS", "HIGH"));

        assertOnlyProblem(e, "RAFTGRES_RESTAPI_CIPHERS", "restapi keys that can be set: listen, connect_address");
    }

    @Test
    void reportsUnknownCredentialSuffix() {
        ConfigException e = ConfigFixture.valid().failure(dir, Map.of("RAFTGRES_SUPERUSER_SSLMODE", "require"));

        assertOnlyProblem(e, "RAFTGRES_SUPERUSER_SSLMODE", "takes only the suffixes _USERNAME and _PASSWORD");
    }

    @Test
    void ignoresVariablesOutsideKnownSectionsAndWithoutPrefix() throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().load(dir,
                Map.of("RAFTGRES_CONFIG_FILE", "/etc/raftgres.yml", "RAFTGRES", "x", "PATRONI_NAME", "p1",
                        "name", "lowercase"));

        assertEquals("n1", c.name());
    }

    @Test
    void leavesNonMappingSectionForValidationToReport() {
        ConfigException e = ConfigFixture.valid().set("vip", "10.0.0.1/24")
                .failure(dir, Map.of("RAFTGRES_VIP_INTERFACE", "eth0"));

        assertOnlyProblem(e, "vip", "must be a mapping");
    }

    @Test
    void everySettableKeyIsAKnownKeyOfItsSection() {
        ConfigProblems problems = new ConfigProblems("test");
        for (String key : RaftSettings.KEYS) {
            assertEquals(List.of("raft", key), EnvOverrides.resolve("RAFTGRES_RAFT_" + key.toUpperCase(), problems)
                    .orElseThrow());
        }
        for (String key : List.of("listen", "connect_address", "data_dir", "bin_dir", "os_user")) {
            assertFalse(EnvOverrides.resolve("RAFTGRES_POSTGRESQL_" + key.toUpperCase(), problems).isEmpty(), key);
        }
        assertEquals(0, problems.count());
    }
}
