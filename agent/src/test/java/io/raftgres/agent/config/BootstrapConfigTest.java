package io.raftgres.agent.config;

import io.raftgres.core.model.DynamicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.raftgres.agent.config.ConfigFixture.assertOnlyProblem;
import static io.raftgres.agent.config.ConfigFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BootstrapConfigTest {
    @TempDir
    Path dir;

    @Test
    void convertsSecondsToMilliseconds() throws ConfigException {
        DynamicConfig dcs = ConfigFixture.valid().set("bootstrap.dcs.loop_wait", 0.5)
                .set("bootstrap.dcs.primary_start_timeout", 30).set("bootstrap.dcs.maximum_lag_on_failover", 0)
                .set("bootstrap.dcs.postgresql.use_pg_rewind", false).load(dir).bootstrap().dcs();

        assertEquals(new DynamicConfig(500, 0, 30_000, false, true, Map.of(), 0), dcs);
    }

    @Test
    void acceptsMasterStartTimeoutAlias() throws ConfigException {
        DynamicConfig dcs = ConfigFixture.valid().set("bootstrap.dcs.master_start_timeout", 0).load(dir)
                .bootstrap().dcs();

        assertEquals(0, dcs.primaryStartTimeoutMillis());
    }

    @Test
    void refusesBothStartTimeoutNames() {
        ConfigException e = ConfigFixture.valid().set("bootstrap.dcs.master_start_timeout", 10)
                .set("bootstrap.dcs.primary_start_timeout", 20).failure(dir);

        assertOnlyProblem(e, "bootstrap.dcs.master_start_timeout", "give only one of them");
    }

    @Test
    void refusesLoopWaitBelowATenthOfASecond() {
        ConfigException e = ConfigFixture.valid().set("bootstrap.dcs.loop_wait", 0.05).failure(dir);

        assertOnlyProblem(e, "bootstrap.dcs.loop_wait", "must be between 0.1 and 3600 seconds, found 0.05");
    }

    @Test
    void refusesNegativeLagAndStartTimeout() {
        ConfigException e = ConfigFixture.valid().set("bootstrap.dcs.maximum_lag_on_failover", -1)
                .set("bootstrap.dcs.primary_start_timeout", -1).failure(dir);

        assertProblem(e, "bootstrap.dcs.maximum_lag_on_failover", "must be at least 0, found -1");
        assertProblem(e, "bootstrap.dcs.primary_start_timeout", "must be between 0 and 86400 seconds, found -1");
    }

    @Test
    void refusesFractionalAndNonNumericLag() {
        ConfigException fractional = ConfigFixture.valid().set("bootstrap.dcs.maximum_lag_on_failover", 1.5)
                .failure(dir);
        ConfigException text = ConfigFixture.valid().set("bootstrap.dcs.maximum_lag_on_failover", "1MB").failure(dir);

        assertOnlyProblem(fractional, "bootstrap.dcs.maximum_lag_on_failover", "must be a whole number");
        assertOnlyProblem(text, "bootstrap.dcs.maximum_lag_on_failover", "must be a whole number, found '1MB'");
    }

    @Test
    void explainsPatroniKeysRaftgresDoesNotUse() {
        ConfigException e = ConfigFixture.valid().set("bootstrap.dcs.ttl", 30).set("bootstrap.dcs.synchronus_mode",
                true).failure(dir);

        assertProblem(e, "bootstrap.dcs.ttl", "remove it: raftgres detects failure with"
                + " raft.election_timeout_min/max and raft.lease");
        assertProblem(e, "bootstrap.dcs.synchronus_mode", "did you mean 'synchronous_mode'?");
    }

    @Test
    void readsTheSynchronousKeysAndRefusesBadValues() {
        ConfigException e = ConfigFixture.valid().set("bootstrap.dcs.synchronous_mode", "sometimes")
                .set("bootstrap.dcs.synchronous_node_count", 0).failure(dir);
        assertProblem(e, "bootstrap.dcs.synchronous_mode", "must be off, on or quorum, found sometimes");
        assertProblem(e, "bootstrap.dcs.synchronous_node_count", "found 0");
    }

    @Test
    void refusesUnknownKeyInDcsPostgresql() {
        ConfigException e = ConfigFixture.valid().set("bootstrap.dcs.postgresql.use_slot", true).failure(dir);

        assertOnlyProblem(e, "bootstrap.dcs.postgresql.use_slot", "did you mean 'use_slots'?");
    }

    @Test
    void readsInitdbOptionsAsStringsAndOneKeyMappings() throws ConfigException {
        BootstrapConfig b = ConfigFixture.valid().set("bootstrap.initdb",
                List.of("data-checksums", Map.of("encoding", "UTF8"), "locale=C", Map.of("wal-segsize", 32)))
                .load(dir).bootstrap();

        assertEquals(List.of("data-checksums", "encoding=UTF8", "locale=C", "wal-segsize=32"), b.initdb());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pgdata", "nosync", "pwfile", "sync-only", "version"})
    void refusesInitdbOptionsRaftgresControls(String option) {
        ConfigException asString = ConfigFixture.valid().set("bootstrap.initdb", List.of("data-checksums", option))
                .failure(dir);
        ConfigException asMap = ConfigFixture.valid().set("bootstrap.initdb", List.of(Map.of(option, "x")))
                .failure(dir);

        assertOnlyProblem(asString, "bootstrap.initdb[1]", "initdb option '" + option + "' is not allowed: ");
        assertOnlyProblem(asMap, "bootstrap.initdb[0]", "initdb option '" + option + "' is not allowed: ");
    }

    @Test
    void refusesMalformedInitdbOptions() {
        ConfigException e = ConfigFixture.valid().set("bootstrap.initdb", List.of("--data-checksums",
                Map.of("encoding", "UTF8", "locale", "C"), "Bad_Name", Map.of("auth", List.of("md5")))).failure(dir);

        assertProblem(e, "bootstrap.initdb[0]", "write the option without leading dashes");
        assertProblem(e, "bootstrap.initdb[1]", "must be an option name (data-checksums) or a one-key mapping");
        assertProblem(e, "bootstrap.initdb[2]", "'Bad_Name' is not an initdb long option name");
        assertProblem(e, "bootstrap.initdb[3]", "the value of initdb option 'auth' must be a single value");
        assertEquals(4, e.problems().size());
    }

    @Test
    void refusesInitdbThatIsNotAList() {
        ConfigException e = ConfigFixture.valid().set("bootstrap.initdb", "data-checksums").failure(dir);

        assertOnlyProblem(e, "bootstrap.initdb", "must be a list, found 'data-checksums'");
    }

    @Test
    void readsAndChecksBootstrapPgHba() throws ConfigException {
        ConfigException e = ConfigFixture.valid().set("bootstrap.pg_hba", List.of("hots all all ::1/128 trust"))
                .failure(dir);
        BootstrapConfig ok = ConfigFixture.valid().set("bootstrap.pg_hba", List.of("  local all all peer  "))
                .load(dir).bootstrap();

        assertOnlyProblem(e, "bootstrap.pg_hba[0]", "found 'hots'");
        assertEquals(List.of("local all all peer"), ok.pgHba());
    }

    @Test
    void refusesDerivedParametersInDcs() {
        ConfigException e = ConfigFixture.valid().set("bootstrap.dcs.postgresql.parameters", Map.of("port", 1))
                .failure(dir);

        assertOnlyProblem(e, "bootstrap.dcs.postgresql.parameters.port", "is set from postgresql.listen");
    }

    @Test
    void readsPostBootstrapOrItsOldNamePostInitAsACommandLine() throws ConfigException {
        assertEquals(List.of("/usr/local/bin/create-users.sh", "--app", "orders"), ConfigFixture.valid()
                .set("bootstrap.post_bootstrap", "/usr/local/bin/create-users.sh --app  orders").load(dir)
                .bootstrap().postBootstrap());
        assertEquals(List.of("/opt/init.sh"), ConfigFixture.valid().set("bootstrap.post_init", "/opt/init.sh")
                .load(dir).bootstrap().postBootstrap());
    }

    @Test
    void refusesARelativePostBootstrapScriptAndBothNames() {
        assertOnlyProblem(ConfigFixture.valid().set("bootstrap.post_bootstrap", "create-users.sh").failure(dir),
                "bootstrap.post_bootstrap", "must start with the absolute path of the script, found 'create-users.sh'");
        assertOnlyProblem(ConfigFixture.valid().set("bootstrap.post_bootstrap", "/a.sh").set("bootstrap.post_init",
                "/b.sh").failure(dir), "bootstrap.post_init", "is the old name of post_bootstrap");
    }
}
