package io.raftgres.raft;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaftNodeConfigTest {

    private static final List<String> PEERS = List.of("10.0.0.1:5010", "10.0.0.2:5010", "10.0.0.3:5010");
    private static final Path DIR = Path.of("/var/lib/raftgres/raft");

    private static RaftNodeConfig config(String self, List<String> peers, long etMin, long etMax, long h, long l) {
        return new RaftNodeConfig("n1", self, peers, "demo", DIR, Duration.ofMillis(etMin), Duration.ofMillis(etMax),
                Duration.ofMillis(h), Duration.ofMillis(l));
    }

    private static String rejection(Runnable build) {
        return assertThrows(IllegalArgumentException.class, build::run).getMessage();
    }

    @Test
    void defaultsSatisfyTheSafetyRule() {
        RaftNodeConfig c = RaftNodeConfig.withDefaults("n1", "10.0.0.1:5010", PEERS, "demo", DIR);
        assertEquals(1620, RaftLease.safetyBudgetMillis(c.leaseDuration(), c.electionTimeoutMin()));
        assertEquals("10.0.0.1", c.selfHost());
        assertEquals(5010, c.selfPort());
    }

    @Test
    void rejectsALeaseThatCouldOutliveElectionTimeout() {
        String why = rejection(() -> config("10.0.0.1:5010", PEERS, 2000, 3000, 250, 1400));
        assertTrue(why.contains("leaseDuration (1400 ms) is unsafe") && why.contains("2020 ms"), why);
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
                .contains("electionTimeoutMax"));
        assertTrue(rejection(() -> config("10.0.0.1:5010", PEERS, 2000, 3000, 600, 1000))
                .contains("heartbeatInterval"));
        assertTrue(rejection(() -> config("10.0.0.1:5010", PEERS, 2000, 3000, 0, 1000))
                .contains("heartbeatInterval: must be a positive duration"));
    }

    @Test
    void rejectsMissingNames() {
        assertTrue(rejection(() -> new RaftNodeConfig(" ", "10.0.0.1:5010", PEERS, "demo", DIR,
                Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofMillis(250), Duration.ofSeconds(1)))
                .contains("memberName"));
        assertTrue(rejection(() -> new RaftNodeConfig("n1", "10.0.0.1:5010", PEERS, null, DIR,
                Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofMillis(250), Duration.ofSeconds(1)))
                .contains("scope"));
    }
}
