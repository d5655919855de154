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
        Path file = dir.resolve("raftgres.yml");
        Files.writeString(file, """
                scope: t
                name: n1
                raft: {self_addr: "127.0.0.1:5010", partner_addrs: ["127.0.0.1:5011", "127.0.0.1:5012"], data_dir: %s%s}
                postgresql:
                  listen: "127.0.0.1:5433"
                  data_dir: %s
                  authentication: {superuser: {username: postgres, password: "a"}, replication: {username: r, password: "b"}}
                """.formatted(dir.resolve("raft"), raftKeys, dir.resolve("pg")));
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

    @Test
    void theImmediateStopEscalatesAfterHalfTheFenceBudget() throws Exception {
        assertEquals(Duration.ofMillis(150),
                Agent.pgConfig(config(", fence_budget: 300ms"), Map.of()).immediateStopGrace());
    }
}
