package io.raftgres.raft;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.timing.SafetyTiming;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaftNodeConfigTest {

    private static final List<String> PEERS = List.of("10.0.0.1:5010", "10.0.0.2:5010", "10.0.0.3:5010");
    private static final Path DIR = Path.of("/var/lib/raftgres/raft");

    private static RaftNodeConfig config(String self, List<String> peers, long etMin, long etMax, long h, long l) {
        return new RaftNodeConfig("n1", self, peers, "demo", DIR, SafetyTiming.ofMillis(etMin, etMax, h, l, 100, 500));
    }

    private static String rejection(Runnable build) {
        return assertThrows(IllegalArgumentException.class, build::run).getMessage();
    }

    @Test
    void defaultsSatisfyTheSafetyRule() {
        RaftNodeConfig c = RaftNodeConfig.withDefaults("n1", "10.0.0.1:5010", PEERS, "demo", DIR);
        assertEquals(Duration.ofMillis(1620), c.timing().takeoverDelay());
        assertEquals("10.0.0.1", c.selfHost());
        assertEquals(5010, c.selfPort());
    }

    @Test
    void rejectsALeaseThatCouldOutliveElectionTimeout() {
        String why = rejection(() -> config("10.0.0.1:5010", PEERS, 2000, 3000, 250, 1400));
        assertTrue(why.contains("raft.lease: lease (1400ms)") && why.contains("= 2020ms"), why);
        assertDoesNotThrow(() -> config("10.0.0.1:5010", PEERS, 2000, 3000, 250, 1370));
    }

    @Test
    void rejectsSelfMissingFromPeersAndDuplicates() {
        assertTrue(rejection(() -> config("10.0.0.9:5010", PEERS, 2000, 3000, 250, 1000)).contains("must include"));
        String dup = rejection(() -> config("10.0.0.1:5010",
                List.of("10.0.0.1:5010", "10.0.0.2:5010", "10.0.0.2:5010"), 2000, 3000, 250, 1000));
        assertTrue(dup.contains("'10.0.0.2:5010' is listed twice"), dup);
    }

    @Test
    void rejectsMalformedAddressesNamingThem() {
        assertTrue(rejection(() -> config("10.0.0.1", PEERS, 2000, 3000, 250, 1000)).contains("selfAddress"));
        String port = rejection(() -> config("10.0.0.1:5010",
                List.of("10.0.0.1:5010", "10.0.0.2:http"), 2000, 3000, 250, 1000));
        assertTrue(port.contains("'10.0.0.2:http'"), port);
        assertTrue(rejection(() -> config("10.0.0.1:70000", List.of("10.0.0.1:70000"), 2000, 3000, 250, 1000))
                .contains("outside 1..65535"));
    }

    @Test
    void rejectsInconsistentTimings() {
        assertTrue(rejection(() -> config("10.0.0.1:5010", PEERS, 2000, 1500, 250, 1000))
                .contains("raft.election_timeout_max"));
        assertTrue(rejection(() -> config("10.0.0.1:5010", PEERS, 2000, 3000, 600, 1000))
                .contains("raft.heartbeat_interval"));
        assertTrue(rejection(() -> config("10.0.0.1:5010", PEERS, 2000, 3000, 0, 1000))
                .contains("raft.heartbeat_interval: must be a positive duration"));
    }

    /**
     * The node applies the configuration's rule, not one of its own: before SafetyTiming it
     * accepted a heartbeat of 400 ms with a 1000 ms lease (its rule was L/2, the config's L/3) and
     * refused a lease of 1500 ms with a 200 ms fence budget (it added a fixed 500 ms fence).
     */
    @Test
    void appliesTheSameRuleAsTheConfigurationWithTheConfiguredBudgets() {
        assertTrue(rejection(() -> config("10.0.0.1:5010", PEERS, 2000, 3000, 400, 1000))
                .contains("raft.heartbeat_interval: must be at most a third of lease"));
        RaftNodeConfig c = new RaftNodeConfig("n1", "10.0.0.1:5010", PEERS, "demo", DIR,
                SafetyTiming.ofMillis(2000, 2500, 250, 1500, 100, 200));
        assertEquals(Duration.ofMillis(1500 + 100 + 200 + 20), c.timing().takeoverDelay());
    }

    @Test
    void rejectsMissingNames() {
        assertTrue(rejection(() -> new RaftNodeConfig(" ", "10.0.0.1:5010", PEERS, "demo", DIR,
                SafetyTiming.DEFAULT)).contains("memberName"));
        assertTrue(rejection(() -> new RaftNodeConfig("n1", "10.0.0.1:5010", PEERS, null, DIR,
                SafetyTiming.DEFAULT)).contains("scope"));
    }
}
