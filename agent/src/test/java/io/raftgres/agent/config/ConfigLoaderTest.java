package io.raftgres.agent.config;

import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.MemberTags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.raftgres.agent.config.ConfigFixture.assertOnlyProblem;
import static io.raftgres.agent.config.ConfigFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    static final String FULL = """
            scope: demo
            name: n1
            restapi:
              listen: 127.0.0.1:8008
              connect_address: 127.0.0.1:8018
              authentication: {username: admin, password: secret}
            raft:
              self_addr: 127.0.0.1:5010
              partner_addrs: [127.0.0.1:5011, 127.0.0.1:5012]
              data_dir: /var/lib/raftgres/raft
              allow_unsafe_group_size: false
              election_timeout_min: 2000ms
              election_timeout_max: 3s
              heartbeat_interval: 250
              lease: 1000ms
              lease_check_interval: 100ms
              fence_budget: 500ms
            bootstrap:
              dcs:
                loop_wait: 1
                maximum_lag_on_failover: 1048576
                primary_start_timeout: 300
                postgresql:
                  use_pg_rewind: true
                  use_slots: true
                  parameters: {max_connections: 100, wal_log_hints: on}
              initdb: [data-checksums, {encoding: UTF8}]
              pg_hba: [host all all 127.0.0.1/32 scram-sha-256]
            postgresql:
              listen: 127.0.0.1:5433
              connect_address: 127.0.0.1:5433
              data_dir: /var/lib/raftgres/pg
              bin_dir: /usr/lib/postgresql/15/bin
              os_user: postgres
              authentication:
                superuser: {username: postgres, password: x}
                replication: {username: replicator, password: y}
                rewind: {username: rewind_user, password: z}
              parameters: {shared_buffers: 128MB}
              pg_hba: [host replication replicator 127.0.0.1/32 scram-sha-256, local all all trust]
              remove_data_directory_on_rewind_failure: false
              remove_data_directory_on_diverged_timelines: true
            tags: {nofailover: false, failover_priority: 1, noloadbalance: false, nosync: true, any_custom: value}
            watchdog: {mode: automatic, device: /dev/watchdog, safety_margin: 5}
            vip: {address: 10.0.0.100/24, interface: eth0, arp_count: 5, arp_interval_ms: 200}
            log: {level: INFO}
            """;

    @TempDir
    Path dir;

    @Test
    void parsesFullFileIntoValues() throws ConfigException {
        RaftgresConfig c = ConfigLoader.load(ConfigFixture.writeText(dir, FULL), Map.of());

        assertEquals("demo", c.scope());
        assertEquals("n1", c.name());
        assertEquals(new HostPort("127.0.0.1", 8008), c.restapi().listen());
        assertEquals("http://127.0.0.1:8018", c.restapi().url());
        assertEquals(new Credentials("admin", "secret"), c.restapi().authentication());

        RaftSettings raft = c.raft();
        assertEquals(new HostPort("127.0.0.1", 5010), raft.selfAddr());
        assertEquals(List.of(new HostPort("127.0.0.1", 5011), new HostPort("127.0.0.1", 5012)), raft.partnerAddrs());
        assertEquals(3, raft.groupSize());
        assertEquals(Path.of("/var/lib/raftgres/raft"), raft.dataDir());
        assertEquals(Duration.ofMillis(2000), raft.electionTimeoutMin());
        assertEquals(Duration.ofSeconds(3), raft.electionTimeoutMax());
        assertEquals(Duration.ofMillis(250), raft.heartbeatInterval());
        assertEquals(Duration.ofMillis(1000), raft.lease());
        assertEquals(Duration.ofMillis(100), raft.leaseCheckInterval());
        assertEquals(Duration.ofMillis(500), raft.fenceBudget());

        assertTrue(c.canBootstrap());
        DynamicConfig dcs = c.bootstrap().dcs();
        assertEquals(new DynamicConfig(1000, 1_048_576, 300_000, true, true,
                Map.of("max_connections", "100", "wal_log_hints", "on"), 0), dcs);
        assertEquals(List.of("data-checksums", "encoding=UTF8"), c.bootstrap().initdb());
        assertEquals(List.of("host all all 127.0.0.1/32 scram-sha-256"), c.bootstrap().pgHba());

        PostgresqlConfig pg = c.postgresql();
        assertEquals(new HostPort("127.0.0.1", 5433), pg.listen());
        assertEquals(Path.of("/var/lib/raftgres/pg"), pg.dataDir());
        assertEquals(Path.of("/usr/lib/postgresql/15/bin"), pg.binDir());
        assertEquals("postgres", pg.osUser());
        assertEquals(new Credentials("postgres", "x"), pg.superuser());
        assertEquals(new Credentials("replicator", "y"), pg.replication());
        assertEquals(new Credentials("rewind_user", "z"), pg.rewindUser());
        assertEquals(Map.of("shared_buffers", "128MB"), pg.parameters());
        assertEquals(2, pg.pgHba().size());
        assertFalse(pg.removeDataDirectoryOnRewindFailure());
        assertTrue(pg.removeDataDirectoryOnDivergedTimelines());

        assertEquals(new MemberTags(false, 1, false, true, Map.of("any_custom", "value")), c.tags());
        assertEquals(new WatchdogSettings(WatchdogSettings.Mode.AUTOMATIC, Path.of("/dev/watchdog"),
                Duration.ofSeconds(5)), c.watchdog());
        assertEquals(new VipSettings("10.0.0.100/24", "eth0", 5, Duration.ofMillis(200), Duration.ofSeconds(1)), c.vip());
        assertEquals("10.0.0.100", c.vip().ip());
        assertEquals(24, c.vip().prefixLength());
        assertEquals("INFO", c.log().level());
    }

    @Test
    void fillsDefaultsForOmittedKeys() throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().load(dir);

        assertEquals(new HostPort("127.0.0.1", 8008), c.restapi().listen());
        assertEquals(c.restapi().listen(), c.restapi().connectAddress());
        assertFalse(c.restapi().requiresAuthentication());
        assertFalse(c.raft().allowUnsafeGroupSize());
        assertEquals(Duration.ofMillis(2000), c.raft().electionTimeoutMin());
        assertEquals(Duration.ofMillis(2500), c.raft().electionTimeoutMax());
        assertEquals(Duration.ofMillis(250), c.raft().heartbeatInterval());
        assertEquals(Duration.ofMillis(1000), c.raft().lease());
        assertEquals(Duration.ofMillis(100), c.raft().leaseCheckInterval());
        assertEquals(Duration.ofMillis(500), c.raft().fenceBudget());
        assertFalse(c.canBootstrap());
        assertNull(c.bootstrap());
        assertEquals(c.postgresql().listen(), c.postgresql().connectAddress());
        assertNull(c.postgresql().binDir());
        assertEquals("postgres", c.postgresql().osUser());
        assertNull(c.postgresql().rewind());
        assertEquals(c.postgresql().superuser(), c.postgresql().rewindUser());
        assertEquals(Map.of(), c.postgresql().parameters());
        assertFalse(c.postgresql().removeDataDirectoryOnRewindFailure());
        assertFalse(c.postgresql().removeDataDirectoryOnDivergedTimelines());
        assertEquals(MemberTags.DEFAULT, c.tags());
        assertEquals(WatchdogSettings.Mode.AUTOMATIC, c.watchdog().mode());
        assertEquals(Path.of("/dev/watchdog"), c.watchdog().device());
        assertEquals(Duration.ZERO, c.watchdog().safetyMargin());
        assertNull(c.vip());
        assertEquals("INFO", c.log().level());
    }

    @Test
    void emptyBootstrapSectionSeedsDefaultDynamicConfig() throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().set("bootstrap", Map.of()).load(dir);

        assertTrue(c.canBootstrap());
        assertEquals(DynamicConfig.DEFAULT, c.bootstrap().dcs());
        assertEquals(List.of(), c.bootstrap().initdb());
    }

    @Test
    void bareBootstrapKeyStillAllowsBootstrap() throws ConfigException {
        String bareBootstrap = FULL.replaceAll("(?s)bootstrap:.*?postgresql:\n  listen",
                "bootstrap:\n#  dcs: {loop_wait: 2}\npostgresql:\n  listen");
        Path file = ConfigFixture.writeText(dir, bareBootstrap);
        RaftgresConfig c = ConfigLoader.load(file, Map.of());

        assertTrue(c.canBootstrap());
        assertEquals(DynamicConfig.DEFAULT, c.bootstrap().dcs());
    }

    @Test
    void reportsMissingFileWithItsName() {
        Path missing = dir.resolve("nope.yml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, Map.of()));

        assertEquals(missing + ": cannot read: the file does not exist", e.getMessage());
        assertEquals(missing.toString(), e.problems().getFirst().file());
    }

    @Test
    void reportsDirectoryGivenAsFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir, Map.of()));

        assertOnlyProblem(e, "", "is a directory");
    }

    @Test
    void reportsInvalidYamlWithFileAndLine() {
        Path file = ConfigFixture.writeText(dir, "scope: demo\nname: [n1\nraft: x\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));

        ConfigProblem p = assertOnlyProblem(e, "", "not valid YAML");
        assertEquals(file.toString(), p.file());
        assertTrue(p.reason().contains("line "), p.reason());
        assertTrue(e.getMessage().startsWith(file + ": not valid YAML"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line per problem");
    }

    @Test
    void reportsDuplicateKeys() {
        Path file = ConfigFixture.writeText(dir, "scope: demo\nname: n1\nname: n2\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));

        assertOnlyProblem(e, "", "duplicate key name");
    }

    @Test
    void reportsEmptyFile() {
        Path file = ConfigFixture.writeText(dir, "# nothing here\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));

        assertOnlyProblem(e, "", "the file is empty");
    }

    @Test
    void reportsTopLevelThatIsNotAMapping() {
        Path file = ConfigFixture.writeText(dir, "- scope\n- name\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));

        assertOnlyProblem(e, "", "must be a YAML mapping of keys to values at the top level, found a list");
    }

    @Test
    void reportsFileThatIsNotUtf8() throws Exception {
        Path file = Files.write(dir.resolve("latin1.yml"), new byte[] {'s', ':', ' ', (byte) 0xE9, '\n'});
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));

        assertOnlyProblem(e, "", "not UTF-8");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        ConfigException e = ConfigFixture.valid()
                .remove("scope")
                .set("name", "bad name!")
                .set("raft.self_adr", "127.0.0.1:5010")
                .set("raft.lease", "-5ms")
                .set("postgresql.listen", "127.0.0.1:99999")
                .set("watchdog.mode", "sometimes")
                .failure(dir);

        assertProblem(e, "scope", "missing required key");
        assertProblem(e, "name", "may contain only letters");
        assertProblem(e, "raft.self_adr", "did you mean 'self_addr'?");
        assertProblem(e, "raft.lease", "must be a duration");
        assertProblem(e, "postgresql.listen", "between 1 and 65535");
        assertProblem(e, "watchdog.mode", "must be off, automatic or required");
        assertEquals(e.problems().size(), e.getMessage().lines().count());
        assertTrue(e.getMessage().lines().allMatch(l -> l.startsWith(dir.resolve(ConfigFixture.FILE_NAME) + ": ")));
    }

    @Test
    void formatsEachProblemAsFileKeyReason() {
        ConfigException e = ConfigFixture.valid().set("raft.partner_addrs", List.of("127.0.0.1:5011", "nowhere"))
                .failure(dir);

        assertEquals(dir.resolve(ConfigFixture.FILE_NAME) + ": raft.partner_addrs[1]: missing port: expected"
                + " host:port or [ipv6]:port, got 'nowhere'", e.getMessage());
    }

    @Test
    void suggestsCloseSpellingOfUnknownKey() {
        ConfigException e = ConfigFixture.valid().set("postgresql.data-dir", "/x").failure(dir);

        assertProblem(e, "postgresql.data-dir", "unknown key; did you mean 'data_dir'?");
    }

    @Test
    void listsKnownKeysForUnrelatedUnknownKey() {
        ConfigException e = ConfigFixture.valid().set("restapi.ciphers", "HIGH").failure(dir);

        assertOnlyProblem(e, "restapi.ciphers", "unknown key; known keys here: listen, connect_address,"
                + " authentication");
    }

    @Test
    void reportsUnknownTopLevelSectionAndPatronisDcsWithWhatToDo() {
        ConfigException e = ConfigFixture.valid().set("etcd3", Map.of("hosts", "a:2379")).set("zookeper", 1)
                .failure(dir);

        assertProblem(e, "etcd3", "remove it: raftgres needs no DCS, its agents form their own Raft group");
        assertProblem(e, "zookeper", "unknown key; known keys here: scope, name, restapi, raft");
    }

    @Test
    void reportsKeysThatAreNotText() {
        Path file = ConfigFixture.writeText(dir, "scope: demo\nname: n1\n1: x\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));

        assertProblem(e, "1", "keys must be text, found the number 1");
    }

    @Test
    void reportsMissingRequiredSectionsOnce() {
        Path file = ConfigFixture.writeText(dir, "scope: demo\nname: n1\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));

        assertEquals(List.of("raft", "postgresql"), ConfigFixture.keys(e));
        assertProblem(e, "raft", "missing required section (it must contain self_addr and data_dir)");
        assertProblem(e, "postgresql", "missing required section");
    }

    @Test
    void reportsSectionThatIsNotAMapping() {
        ConfigException e = ConfigFixture.valid().set("restapi", "127.0.0.1:8008").failure(dir);

        assertOnlyProblem(e, "restapi", "must be a mapping of keys to values, found text");
    }

    @Test
    void refusesNamesOutsideTheCharsetAndOverlongNames() {
        ConfigException e = ConfigFixture.valid().set("scope", "my cluster").set("name", "n".repeat(64)).failure(dir);

        assertProblem(e, "scope", "may contain only letters, digits, '_', '.' and '-', found 'my cluster'");
        assertProblem(e, "name", "must be at most 63 characters");
    }

    @Test
    void refusesNonTextNameInsteadOfConvertingIt() {
        ConfigException e = ConfigFixture.valid().set("name", true).failure(dir);

        assertOnlyProblem(e, "name", "must be text (quote it in YAML), found the boolean true");
    }
}
