package io.raftgres.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.raftgres.agent.config.ConfigFixture.assertOnlyProblem;
import static io.raftgres.agent.config.ConfigFixture.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RaftSettingsTest {
    @TempDir
    Path dir;

    @Test
    void requiresSelfAddrAndDataDir() {
        ConfigException e = ConfigFixture.valid().remove("raft.self_addr").remove("raft.data_dir").failure(dir);

        assertProblem(e, "raft.self_addr", "missing required key");
        assertProblem(e, "raft.data_dir", "missing required key");
        assertEquals(2, e.problems().size());
    }

    @Test
    void refusesRelativeDataDir() {
        ConfigException e = ConfigFixture.valid().set("raft.data_dir", "data/raft").failure(dir);

        assertOnlyProblem(e, "raft.data_dir", "must be an absolute path, found 'data/raft'");
    }

    @Test
    void reportsBadPartnerAddressByIndex() {
        ConfigException e = ConfigFixture.valid()
                .set("raft.partner_addrs", List.of("127.0.0.1:5011", "127.0.0.1:0", "::1:5012")).failure(dir);

        assertProblem(e, "raft.partner_addrs[1]", "port must be between 1 and 65535, got 0");
        assertProblem(e, "raft.partner_addrs[2]", "an IPv6 address needs brackets");
        assertEquals(2, e.problems().size());
    }

    @Test
    void reportsPartnerThatIsNotText() {
        ConfigException e = ConfigFixture.valid().set("raft.partner_addrs", List.of("127.0.0.1:5011", 5012))
                .failure(dir);

        assertOnlyProblem(e, "raft.partner_addrs[1]", "must be host:port text, found the number 5012");
        assertEquals(List.of("raft.partner_addrs[1]"), ConfigFixture.keys(e), "no group-size noise from a bad entry");
    }

    @Test
    void acceptsPartnersAsCommaStringAndIpv6() throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().set("raft.self_addr", "[::1]:5010")
                .set("raft.partner_addrs", "[::1]:5011,[::1]:5012").load(dir);

        assertEquals(List.of(new HostPort("::1", 5011), new HostPort("::1", 5012)), c.raft().partnerAddrs());
        assertEquals(List.of(new HostPort("::1", 5010), new HostPort("::1", 5011), new HostPort("::1", 5012)),
                c.raft().allAddrs());
    }

    @Test
    void refusesSelfAddrAmongPartners() {
        ConfigException e = ConfigFixture.valid()
                .set("raft.partner_addrs", List.of("127.0.0.1:5011", "127.0.0.1:5010")).failure(dir);

        assertOnlyProblem(e, "raft.partner_addrs[1]", "is this member's own self_addr; list only the other members");
    }

    @Test
    void refusesDuplicatePartners() {
        ConfigException e = ConfigFixture.valid()
                .set("raft.partner_addrs", List.of("127.0.0.1:5011", "127.0.0.1:5012", "127.0.0.1:5011"))
                .failure(dir);

        assertOnlyProblem(e, "raft.partner_addrs[2]", "duplicates raft.partner_addrs[0] (127.0.0.1:5011)");
    }

    @Test
    void refusesWildcardSelfAddr() {
        ConfigException e = ConfigFixture.valid().set("raft.self_addr", "0.0.0.0:5010").failure(dir);

        assertOnlyProblem(e, "raft.self_addr", "must be an address the other members can reach");
    }

    @Test
    void refusesGroupOfTwo() {
        ConfigException e = ConfigFixture.valid().set("raft.partner_addrs", List.of("127.0.0.1:5011")).failure(dir);

        ConfigProblem p = assertOnlyProblem(e, "raft.partner_addrs", "group size 2");
        assertTrue(p.reason().contains("cannot survive the loss of either member"), p.reason());
        assertTrue(p.reason().contains("gains nothing over a single member"), p.reason());
        assertTrue(p.reason().contains("raft.allow_unsafe_group_size: true"), p.reason());
    }

    @Test
    void acceptsGroupOfTwoWhenExplicitlyAllowed() throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().set("raft.partner_addrs", List.of("127.0.0.1:5011"))
                .set("raft.allow_unsafe_group_size", true).load(dir);

        assertEquals(2, c.raft().groupSize());
        assertTrue(c.raft().allowUnsafeGroupSize());
    }

    @Test
    void refusesGroupOfFourExplainingItToleratesNoMoreThanThree() {
        ConfigException e = ConfigFixture.valid()
                .set("raft.partner_addrs", List.of("127.0.0.1:5011", "127.0.0.1:5012", "127.0.0.1:5013"))
                .failure(dir);

        assertOnlyProblem(e, "raft.partner_addrs", "a group of 4 needs 3 members for a majority and survives the"
                + " loss of 1, no more than a group of 3");
    }

    @Test
    void acceptsSingleMemberAndFiveMemberGroups() throws ConfigException {
        assertEquals(1, ConfigFixture.valid().set("raft.partner_addrs", List.of()).load(dir).raft().groupSize());
        assertEquals(5, ConfigFixture.valid().set("raft.partner_addrs",
                List.of("127.0.0.1:5011", "127.0.0.1:5012", "127.0.0.1:5013", "127.0.0.1:5014"))
                .load(dir).raft().groupSize());
    }

    @Test
    void refusesNonBooleanUnsafeFlag() {
        ConfigException e = ConfigFixture.valid().set("raft.allow_unsafe_group_size", "sure").failure(dir);

        assertOnlyProblem(e, "raft.allow_unsafe_group_size", "must be true or false, found 'sure'");
    }

    @ParameterizedTest(name = "{0} -> {1} ms")
    @CsvSource({"250ms, 250", "2s, 2000", "1.5s, 1500", "1m, 60000", "900, 900", "'  300 ms ', 300"})
    void parsesDurationForms(String text, long millis) throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().set("raft.election_timeout_min", "10m")
                .set("raft.election_timeout_max", "20m").set("raft.fence_budget", text).load(dir);

        assertEquals(Duration.ofMillis(millis), c.raft().fenceBudget());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "0ms      | must be a positive duration",
            "-5ms     | must be a duration such as 250ms or 2s",
            "5 days   | must be a duration such as 250ms or 2s",
            "1.0005s  | must be a whole number of milliseconds",
            "25h      | must be at most 24h"})
    void refusesBadDurations(String text, String reason) {
        ConfigException e = ConfigFixture.valid().set("raft.lease_check_interval", text).failure(dir);

        assertOnlyProblem(e, "raft.lease_check_interval", reason);
    }

    @Test
    void refusesLeaseThatCouldOutliveElectionTimeout() {
        ConfigException e = ConfigFixture.valid().set("raft.lease", "1400ms").failure(dir);

        ConfigProblem p = assertOnlyProblem(e, "raft.lease", "lease (1400ms) + lease_check_interval (100ms) +"
                + " fence_budget (500ms) + clock drift allowance (1% of election_timeout_min = 20ms) = 2020ms must be"
                + " less than election_timeout_min (2000ms)");
        assertTrue(p.reason().contains("new leader may be elected while the old primary still believes"), p.reason());
    }

    @Test
    void timingRuleIsStrictAtTheBoundary() throws ConfigException {
        // 1379 + 100 + 500 + 20 = 1999 < 2000 passes; one more millisecond reaches 2000 and fails.
        ConfigFixture.valid().set("raft.lease", "1379ms").set("raft.heartbeat_interval", "250ms").load(dir);
        ConfigException e = ConfigFixture.valid().set("raft.lease", "1380ms").failure(dir);

        assertOnlyProblem(e, "raft.lease", "= 2000ms must be less than election_timeout_min (2000ms)");
    }

    @Test
    void refusesElectionTimeoutMaxNotAboveMin() {
        ConfigException e = ConfigFixture.valid().set("raft.election_timeout_max", "2000ms").failure(dir);

        assertOnlyProblem(e, "raft.election_timeout_max",
                "must be greater than election_timeout_min (2000ms), found 2000ms");
    }

    @Test
    void refusesHeartbeatLongerThanAThirdOfLease() {
        ConfigException e = ConfigFixture.valid().set("raft.heartbeat_interval", "334ms").failure(dir);

        ConfigProblem p = assertOnlyProblem(e, "raft.heartbeat_interval",
                "must be at most a third of lease (333ms), found 334ms");
        assertTrue(p.reason().contains("lose two heartbeats"), p.reason());
    }

    @Test
    void acceptsFasterTimingsThatKeepTheRule() throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().set("raft.election_timeout_min", "1s")
                .set("raft.election_timeout_max", "1500ms").set("raft.lease", "500ms")
                .set("raft.heartbeat_interval", "100ms").set("raft.lease_check_interval", "50ms")
                .set("raft.fence_budget", "400ms").load(dir);

        assertEquals(Duration.ofMillis(500), c.raft().lease());
    }

    /**
     * A timing the configuration accepts starts Raft, and the node's takeover delay adds the
     * configured check interval and fence budget. Before SafetyTiming the raft module applied a
     * rule of its own with a fixed 500 ms fence: it refused this config (1500 + 100 + 500 + 20 =
     * 2120 ms), so a config that {@code --validate-config} passed could not start.
     */
    @Test
    void aValidatedNonDefaultTimingIsTheOneRaftUses() throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().set("raft.lease", "1500ms").set("raft.fence_budget", "200ms")
                .load(dir);

        io.raftgres.raft.RaftNodeConfig node = new io.raftgres.raft.RaftNodeConfig("n1", "127.0.0.1:5010",
                List.of("127.0.0.1:5010"), "demo", Path.of("/tmp/unused"), c.raft().safety());
        assertEquals(Duration.ofMillis(1500 + 100 + 200 + 20), node.timing().takeoverDelay());
    }
}
