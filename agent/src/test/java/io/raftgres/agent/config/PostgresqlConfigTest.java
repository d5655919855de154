package io.raftgres.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.raftgres.agent.config.ConfigFixture.assertOnlyProblem;
import static io.raftgres.agent.config.ConfigFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PostgresqlConfigTest {
    @TempDir
    Path dir;

    @Test
    void requiresListenDataDirAndAuthentication() {
        ConfigException e = ConfigFixture.valid().remove("postgresql.listen").remove("postgresql.data_dir")
                .remove("postgresql.authentication").failure(dir);

        assertProblem(e, "postgresql.listen", "missing required key");
        assertProblem(e, "postgresql.data_dir", "missing required key");
        assertProblem(e, "postgresql.authentication", "missing required section (it must contain superuser and"
                + " replication)");
        assertEquals(3, e.problems().size());
    }

    @Test
    void requiresSuperuserAndReplicationWithPasswords() {
        ConfigException e = ConfigFixture.valid().remove("postgresql.authentication.replication")
                .remove("postgresql.authentication.superuser.password").failure(dir);

        assertProblem(e, "postgresql.authentication.superuser.password", "missing required key");
        assertProblem(e, "postgresql.authentication.replication", "missing required section");
        assertEquals(2, e.problems().size());
    }

    @Test
    void leaseGateIsOnByDefaultAndCanBeTurnedOff() throws Exception {
        assertEquals(true, ConfigFixture.valid().load(dir).postgresql().leaseGate());
        assertEquals(false, ConfigFixture.valid().set("postgresql.lease_gate", false).load(dir).postgresql().leaseGate());
    }

    @Test
    void leaseGateRefusesItsOwnSynchronousStandbyNamesAndACommitLevelThatWaitsForNoStandby() throws Exception {
        ConfigException local = ConfigFixture.valid()
                .set("postgresql.parameters", Map.of("synchronous_standby_names", "ANY 1 (n2, n3)")).failure(dir);
        assertOnlyProblem(local, "postgresql.lease_gate", "synchronous_standby_names is set by the lease gate");

        ConfigException dcs = ConfigFixture.valid()
                .set("bootstrap.dcs.postgresql.parameters", Map.of("synchronous_commit", "local")).failure(dir);
        assertOnlyProblem(dcs, "postgresql.lease_gate", "synchronous_commit local waits for no standby");

        ConfigFixture.valid().set("postgresql.lease_gate", false)
                .set("postgresql.parameters", Map.of("synchronous_standby_names", "ANY 1 (n2, n3)")).load(dir);
    }

    @Test
    void refusesHalfConfiguredRewindUser() {
        ConfigException e = ConfigFixture.valid().set("postgresql.authentication.rewind.username", "rw").failure(dir);

        assertOnlyProblem(e, "postgresql.authentication.rewind.password",
                "missing: give both username and password, or neither");
    }

    @Test
    void refusesUnknownAuthenticationUser() {
        ConfigException e = ConfigFixture.valid().set("postgresql.authentication.superusr.username", "x").failure(dir);

        assertOnlyProblem(e, "postgresql.authentication.superusr", "did you mean 'superuser'?");
    }

    @Test
    void refusesNonTextPasswordWithoutEchoingIt() {
        ConfigException e = ConfigFixture.valid().set("postgresql.authentication.superuser.password", 12345)
                .failure(dir);

        ConfigProblem p = assertOnlyProblem(e, "postgresql.authentication.superuser.password",
                "must be text (quote it in YAML), found a non-text value");
        assertEquals(-1, p.reason().indexOf("12345"));
    }

    @Test
    void refusesRestApiUsernameWithoutPassword() {
        ConfigException e = ConfigFixture.valid().set("restapi.authentication.username", "admin").failure(dir);

        assertOnlyProblem(e, "restapi.authentication.password", "give both username and password, or neither");
    }

    @Test
    void refusesRestApiPasswordWithoutUsername() {
        ConfigException e = ConfigFixture.valid().set("restapi.authentication.password", "pw").failure(dir);

        assertOnlyProblem(e, "restapi.authentication.username", "give both username and password, or neither");
    }

    @Test
    void requiresConnectAddressWhenListeningOnWildcard() {
        ConfigException e = ConfigFixture.valid().set("postgresql.listen", "0.0.0.0:5433")
                .set("restapi.listen", "*:8008").failure(dir);

        assertProblem(e, "postgresql.connect_address", "missing: required when listen (0.0.0.0:5433) binds every"
                + " address");
        assertProblem(e, "restapi.connect_address", "missing: required when listen (*:8008) binds every address");
        assertEquals(2, e.problems().size());
    }

    @Test
    void acceptsWildcardListenWithConnectAddress() throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().set("postgresql.listen", "0.0.0.0:5433")
                .set("postgresql.connect_address", "10.0.0.5:5433").load(dir);

        assertEquals(new HostPort("10.0.0.5", 5433), c.postgresql().connectAddress());
    }

    @Test
    void refusesWildcardConnectAddress() {
        ConfigException e = ConfigFixture.valid().set("postgresql.connect_address", "0.0.0.0:5433").failure(dir);

        assertOnlyProblem(e, "postgresql.connect_address", "must be an address other members can reach");
    }

    @Test
    void refusesRelativeBinDir() {
        ConfigException e = ConfigFixture.valid().set("postgresql.bin_dir", "bin").failure(dir);

        assertOnlyProblem(e, "postgresql.bin_dir", "must be an absolute path");
    }

    @Test
    void convertsParameterScalarsToPostgresText() throws ConfigException {
        Path file = ConfigFixture.writeText(dir, ConfigLoaderTest.FULL.replace("parameters: {shared_buffers: 128MB}",
                "parameters: {shared_buffers: 128MB, hot_standby_feedback: on, fsync: off, max_connections: 200,"
                        + " random_page_cost: 1.1, auto_explain.log_min_duration: '250ms'}"));
        RaftgresConfig c = ConfigLoader.load(file, Map.of());

        assertEquals(Map.of("shared_buffers", "128MB", "hot_standby_feedback", "on", "fsync", "off",
                "max_connections", "200", "random_page_cost", "1.1", "auto_explain.log_min_duration", "250ms"),
                c.postgresql().parameters());
    }

    @Test
    void refusesParametersRaftgresDerivesItself() {
        ConfigException e = ConfigFixture.valid().set("postgresql.parameters",
                Map.of("port", 5432, "listen_addresses", "*", "cluster_name", "x")).failure(dir);

        assertProblem(e, "postgresql.parameters.port", "is set from postgresql.listen; remove it here");
        assertProblem(e, "postgresql.parameters.listen_addresses", "is set from postgresql.listen");
        assertProblem(e, "postgresql.parameters.cluster_name", "is set from scope");
        assertEquals(3, e.problems().size());
    }

    @Test
    void refusesNestedParameterValuesAndBadNames() {
        ConfigException e = ConfigFixture.valid().set("postgresql.parameters",
                Map.of("work_mem", List.of("4MB"), "bad-name", "x")).failure(dir);

        assertProblem(e, "postgresql.parameters.work_mem", "must be a single value");
        assertProblem(e, "postgresql.parameters.bad-name", "is not a valid PostgreSQL parameter name");
    }

    @Test
    void refusesPgHbaLineWithoutConnectionType() {
        ConfigException e = ConfigFixture.valid()
                .set("postgresql.pg_hba", List.of("host all all 0.0.0.0/0 md5", "all all trust", "")).failure(dir);

        assertProblem(e, "postgresql.pg_hba[1]", "must start with a connection type");
        assertProblem(e, "postgresql.pg_hba[2]", "must be a pg_hba.conf line");
        assertEquals(2, e.problems().size());
    }

    @Test
    void refusesNonBooleanRemoveFlags() {
        ConfigException e = ConfigFixture.valid().set("postgresql.remove_data_directory_on_rewind_failure", 1)
                .failure(dir);

        assertOnlyProblem(e, "postgresql.remove_data_directory_on_rewind_failure",
                "must be true or false, found the number 1");
    }

    @Test
    void refusesDataDirectoryNestedWithRaftDataDir() {
        ConfigException same = ConfigFixture.valid().set("postgresql.data_dir", "/var/lib/raftgres/raft").failure(dir);
        ConfigException inside = ConfigFixture.valid().set("postgresql.data_dir", "/var/lib/raftgres/raft/pg")
                .failure(dir);
        ConfigException around = ConfigFixture.valid().set("postgresql.data_dir", "/var/lib").failure(dir);

        assertOnlyProblem(same, "postgresql.data_dir", "must differ from raft.data_dir (/var/lib/raftgres/raft)");
        assertOnlyProblem(inside, "postgresql.data_dir", "must not be nested with raft.data_dir");
        assertOnlyProblem(around, "postgresql.data_dir", "must not be nested with raft.data_dir");
    }

    @Test
    void acceptsSiblingDirectoriesWithCommonPrefix() throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().set("raft.data_dir", "/data/pg-raft").set("postgresql.data_dir",
                "/data/pg").load(dir);

        assertEquals(Path.of("/data/pg"), c.postgresql().dataDir());
    }

    @Test
    void refusesPortsSharedBetweenServersOfThisMember() {
        ConfigException e = ConfigFixture.valid().set("restapi.listen", "0.0.0.0:5010")
                .set("restapi.connect_address", "10.0.0.1:5010").set("postgresql.listen", "127.0.0.1:5010")
                .failure(dir);

        assertProblem(e, "restapi.listen", "uses the same port as raft.self_addr (127.0.0.1:5010)");
        assertProblem(e, "postgresql.listen", "uses the same port as restapi.listen (0.0.0.0:5010)");
        assertProblem(e, "postgresql.listen", "uses the same port as raft.self_addr (127.0.0.1:5010)");
    }

    @Test
    void readsPgpassAndRefusesOneInsideTheDataDirectory() throws ConfigException {
        assertEquals(Path.of("/var/lib/postgresql/.pgpass"), ConfigFixture.valid()
                .set("postgresql.pgpass", "/var/lib/postgresql/.pgpass").load(dir).postgresql().pgpass());
        assertOnlyProblem(ConfigFixture.valid().set("postgresql.pgpass", "/var/lib/raftgres/pg/pgpass")
                .failure(dir), "postgresql.pgpass", "must be outside data_dir");
    }
}
