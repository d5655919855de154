package io.raftgres.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.raftgres.agent.config.ConfigFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real-world patroni.yml (test resource {@code patroni/patroni.yml}): loaded as is, every
 * Patroni key raftgres does not take is refused with what to do; {@code --migrate-config} turns it
 * into a raftgres.yml, each change commented, that passes validation once the Raft partners are
 * known (from Patroni's own {@code raft:} section, or written by hand).
 */
class PatroniMigrationTest {
    private static final String ETCD3 = """
            etcd3:
              hosts: [10.0.1.1:2379, 10.0.1.2:2379, 10.0.1.3:2379]
              protocol: http
            """;
    private static final String PATRONI_RAFT = """
            raft:
              data_dir: /var/lib/patroni/raft
              self_addr: 10.0.0.11:5010
              partner_addrs: [10.0.0.12:5010, 10.0.0.13:5010]
            """;

    @TempDir
    Path dir;

    private Path fixture(boolean raftInPlaceOfEtcd) throws IOException {
        String text = new String(getClass().getResourceAsStream("/patroni/patroni.yml").readAllBytes(),
                StandardCharsets.UTF_8);
        assertTrue(text.contains(ETCD3));
        return Files.writeString(dir.resolve("patroni.yml"), raftInPlaceOfEtcd ? text.replace(ETCD3, PATRONI_RAFT) : text);
    }

    @Test
    void loadingAPatroniFileRefusesEachKeyRaftgresDoesNotTakeSayingWhatToDo() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(fixture(false), Map.of()));

        assertProblem(e, "etcd3", "remove it: raftgres needs no DCS, its agents form their own Raft group");
        assertProblem(e, "namespace", "remove it: one Raft group serves one cluster, named by scope");
        assertProblem(e, "bootstrap.users", "create users in a bootstrap.post_bootstrap script");
        assertProblem(e, "bootstrap.dcs.ttl", "remove it: raftgres detects failure with raft.election_timeout_min/max");
        assertProblem(e, "bootstrap.dcs.retry_timeout", "remove it: raftgres detects failure with raft.election");
        assertProblem(e, "log.format", "remove it, or set log.type: json");
        assertProblem(e, "log.dateformat", "remove it: raftgres prints HH:mm:ss.SSS");
        assertProblem(e, "postgresql.pg_ctl_timeout", "remove it: raftgres waits 60 s for pg_ctl");
        assertProblem(e, "postgresql.callbacks", "remove it: callbacks are not supported");
        assertProblem(e, "postgresql.authentication.replication.sslmode", "remove it: raftgres does not set TLS");
        assertProblem(e, "raft", "missing required section");
        for (ConfigProblem p : e.problems()) {
            assertTrue(p.reason().contains("README: Coming from Patroni") || p.key().equals("raft")
                    || p.key().startsWith("log.") || p.key().equals("watchdog.safety_margin"), p.toLine());
        }
        List<String> keys = ConfigFixture.keys(e);
        for (String supported : List.of("postgresql.pgpass", "log.dir", "log.file_size", "log.file_num",
                "log.loggers", "log.loggers.patroni.postmaster", "bootstrap.dcs.loop_wait", "tags.clonefrom",
                "bootstrap.dcs.synchronous_mode")) {
            assertFalse(keys.contains(supported), supported + " is supported: " + keys);
        }
    }

    @Test
    void migratesAPatroniFileWithARaftSectionIntoAValidConfigCommentingEachChange() throws Exception {
        Path patroni = fixture(true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = MigrateConfigCommand.run(patroni, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        String yaml = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err + "\n" + yaml);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("the migrated configuration is valid"));
        assertTrue(yaml.contains("# ttl: removed: remove it: raftgres detects failure with"), yaml);
        assertTrue(yaml.contains("# users: removed: removed in Patroni 4"), yaml);
        assertTrue(yaml.contains("users to create: admin"), yaml);
        assertFalse(yaml.contains("admin-secret"), "bootstrap.users' passwords are not carried over");
        assertTrue(yaml.contains("# safety_margin: removed:"), yaml);
        assertTrue(yaml.contains("# namespace: removed:"), yaml);

        RaftgresConfig config = ConfigLoader.load(Files.writeString(dir.resolve("raftgres.yml"), yaml), Map.of());
        assertEquals("pg-orders", config.scope());
        assertEquals(Path.of("/var/lib/postgresql/.pgpass_patroni"), config.postgresql().pgpass());
        assertEquals(Path.of("/var/log/patroni"), config.log().dir());
        assertEquals(10, config.log().fileNum());
        assertEquals(Map.of("patroni.postmaster", "WARN"), config.log().loggers());
        assertEquals(10_000, config.bootstrap().dcs().loopWaitMillis());
        assertEquals("200", config.bootstrap().dcs().parameters().get("max_connections"));
        assertEquals(List.of("10.0.0.12:5010", "10.0.0.13:5010"),
                config.raft().partnerAddrs().stream().map(Object::toString).toList());
        assertEquals("rewind_user", config.postgresql().rewind().username());
        assertEquals(WatchdogSettings.Mode.AUTOMATIC, config.watchdog().mode());
    }

    @Test
    void migratingAnEtcdFileAddsARaftSectionAndSaysWhatIsLeftToFillIn() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = MigrateConfigCommand.run(fixture(false), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        String yaml = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, yaml);
        assertTrue(yaml.contains("# etcd3: removed: remove it: raftgres needs no DCS"), yaml);
        assertTrue(yaml.contains("self_addr: 10.0.0.11:5010"), yaml);
        assertTrue(yaml.contains("# TODO: the other members' Raft addresses"), yaml);
        String problems = err.toString(StandardCharsets.UTF_8);
        assertTrue(problems.contains("edit the migrated configuration before use:\n  raft.partner_addrs"), problems);
        assertEquals(2, problems.lines().count(), "only the partner addresses are left: " + problems);
    }
}
