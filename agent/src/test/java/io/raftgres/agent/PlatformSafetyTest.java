package io.raftgres.agent;

import io.raftgres.agent.config.ConfigLoader;
import io.raftgres.agent.config.RaftgresConfig;
import io.raftgres.watchdog.WatchdogMode;
import io.raftgres.watchdog.WatchdogSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The platform's part in the timing rule: the takeover wait a new leader adds when the old primary may be
 * stopped only by its watchdog, and the fence's immediate stop fitting the fence budget.
 */
class PlatformSafetyTest {

    @TempDir
    Path dir;

    private RaftgresConfig config() throws Exception {
        return config("");
    }

    /** The test configuration with {@code raftKeys} (", key: value" pairs) added to its raft section. */
    private RaftgresConfig config(String raftKeys) throws Exception {
        return config(raftKeys, "");
    }

    /** As {@link #config(String)}, with {@code more} (whole top-level sections) appended. */
    private RaftgresConfig config(String raftKeys, String more) throws Exception {
        Path file = dir.resolve("raftgres.yml");
        Files.writeString(file, """
                scope: t
                name: n1
                raft: {self_addr: "127.0.0.1:5010", partner_addrs: ["127.0.0.1:5011", "127.0.0.1:5012"], data_dir: %s%s}
                postgresql:
                  listen: "127.0.0.1:5433"
                  data_dir: %s
                  authentication: {superuser: {username: postgres, password: "a"}, replication: {username: r, password: "b"}}
                %s""".formatted(dir.resolve("raft"), raftKeys, dir.resolve("pg"), more));
        return ConfigLoader.load(file, Map.of());
    }

    @Test
    void aUsableWatchdogExtendsTheTakeoverWaitToLeasePlusTimeout() throws Exception {
        Path device = Files.createFile(dir.resolve("fake-watchdog"));
        Duration wait = AgentLauncher.PlatformSafety.watchdogTakeover(config(),
                new WatchdogSettings(WatchdogMode.AUTOMATIC, device, Duration.ZERO));
        assertEquals(Duration.ofMillis(1000 + 1000 + 100), wait);
    }

    @Test
    void noWatchdogAddsNoWait() throws Exception {
        assertEquals(Duration.ZERO, AgentLauncher.PlatformSafety.watchdogTakeover(config(),
                new WatchdogSettings(WatchdogMode.AUTOMATIC, dir.resolve("absent"), Duration.ZERO)));
        Path device = Files.createFile(dir.resolve("fake-watchdog"));
        assertEquals(Duration.ZERO, AgentLauncher.PlatformSafety.watchdogTakeover(config(),
                new WatchdogSettings(WatchdogMode.OFF, device, Duration.ZERO)));
    }

    /**
     * With the default VIP (lifetime 1 s) the old primary's VIP is surely gone 3.535 s after its last acknowledged
     * heartbeat (window 500 + set bound 1000 + lifetime 1000 + rounding 1000 ms, and 1 % of that for drift): the wait
     * counted from the last contact, and from the election too (which may come right after that heartbeat). Below
     * feature level 11 the wait counts from the election only, for as long as the older builds waited. A 3 s lifetime
     * (which needs a longer election timeout) lengthens both.
     */
    @Test
    void theVipsLifetimeBoundsBothTakeoverWaits() throws Exception {
        RaftgresConfig vip = config("", "vip: {address: 10.0.0.100/24, interface: eth0}\n");
        Duration bound = Duration.ofMillis(3535);
        assertEquals(bound, TakeoverTiming.takeoverDelayFromElection(vip, Duration.ofMillis(2000)));
        assertEquals(bound, TakeoverTiming.takeoverDelayFromContact(vip, TakeoverTiming.takeoverDelayFromElection(vip, Duration.ofMillis(2000))));
        assertEquals(new io.raftgres.core.decide.DeciderConfig.TakeoverWaits(2000,
                io.raftgres.core.decide.DeciderConfig.NEVER_FROM_CONTACT), TakeoverTiming.belowVipWindow(vip, Duration.ofMillis(2000)));

        RaftgresConfig longLived = config(", election_timeout_min: 3000ms, election_timeout_max: 3500ms",
                "vip: {address: 10.0.0.100/24, interface: eth0, lifetime_s: 3}\n");
        // window 500, set bound 750 (a quarter of the lifetime) + 500 of grace, lifetime, rounding; 1 % for drift
        Duration span = Duration.ofMillis(500 + 1250 + 3000 + 1000);
        assertEquals(span.plus(span.dividedBy(100)), TakeoverTiming.takeoverDelayFromElection(longLived, Duration.ofMillis(2000)));

        RaftgresConfig none = config();
        assertEquals(Duration.ofMillis(2000), TakeoverTiming.takeoverDelayFromContact(none, Duration.ofMillis(2000)));
        assertEquals(Duration.ofMillis(2000), TakeoverTiming.takeoverDelayFromElection(none, Duration.ofMillis(2000)));
        assertEquals(null, TakeoverTiming.belowVipWindow(none, Duration.ofMillis(2000)));
    }

    @Test
    void theImmediateStopEscalatesAfterHalfTheFenceBudget() throws Exception {
        assertEquals(Duration.ofMillis(150),
                Agent.pgConfig(config(", fence_budget: 300ms"), Map.of()).immediateStopGrace());
    }
}
