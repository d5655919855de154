package io.raftgres.agent;

import io.raftgres.agent.config.ConfigLoader;
import io.raftgres.agent.config.RaftgresConfig;
import io.raftgres.api.ReloadResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /reload}'s core on real files: what a hook owns is applied, every other change is
 * reported as needing an agent restart (a changed secret by its key, never its value), and a file
 * that does not load or a hook that refuses changes nothing at all.
 */
class ConfigReloadTest {

    @TempDir
    Path dir;

    private final List<String> appliedBy = new CopyOnWriteArrayList<>();

    private String yaml(String level, String restPassword, String workMem, int pgPort) {
        return """
                scope: demo
                name: n1
                restapi: {listen: "127.0.0.1:8008", authentication: {username: admin, password: "%s"}}
                raft: {self_addr: "127.0.0.1:5010", partner_addrs: ["127.0.0.1:5011", "127.0.0.1:5012"], data_dir: %s}
                postgresql:
                  listen: "127.0.0.1:%d"
                  data_dir: %s
                  parameters: {work_mem: %s}
                  authentication:
                    superuser: {username: postgres, password: "super-pw-1"}
                    replication: {username: replicator, password: "repl-pw-1"}
                log: {level: %s}
                """.formatted(restPassword, dir.resolve("raft"), pgPort, dir.resolve("pg"), workMem, level);
    }

    private ConfigReload reloadOf(Path file) throws Exception {
        RaftgresConfig started = ConfigLoader.loadForThisHost(file, Map.of());
        ConfigReload reload = new ConfigReload(file, Map.of(), started);
        reload.register(Agent.hook(List.of("log"), next -> () -> appliedBy.add("log " + next.log().level())));
        reload.register(Agent.hook(List.of("restapi.authentication"), next -> {
            if (next.restapi().authentication().password().length() < 8) {
                throw new IllegalArgumentException("restapi.authentication: password too short");
            }
            return () -> appliedBy.add("auth");
        }));
        reload.register(Agent.hook(List.of("postgresql.parameters"),
                next -> () -> appliedBy.add("parameters " + next.postgresql().parameters())));
        return reload;
    }

    @Test
    void appliesWhatHooksOwnAndReportsTheRestAsNeedingARestart() throws Exception {
        Path file = Files.writeString(dir.resolve("raftgres.yml"), yaml("INFO", "rest-pw-one", "4MB", 5433));
        ConfigReload reload = reloadOf(file);
        assertTrue(reload.reload().unchanged(), "same file: nothing changed");

        Files.writeString(file, yaml("DEBUG", "rest-pw-two", "8MB", 5440));
        ReloadResult r = reload.reload();
        assertTrue(r.valid(), r.message());
        assertEquals(List.of("log.level", "restapi.authentication", "postgresql.parameters.work_mem"), r.applied());
        assertEquals(List.of("postgresql.connect_address", "postgresql.listen"), r.restartNeeded(),
                "connect_address follows listen");
        assertEquals(List.of("log DEBUG", "auth", "parameters {work_mem=8MB}"), appliedBy);
        assertFalse(r.message().contains("rest-pw-two"), r.message());

        appliedBy.clear();
        ReloadResult again = reload.reload();
        assertEquals(List.of(), again.applied(), "applied once");
        assertEquals(r.restartNeeded(), again.restartNeeded(), "still differs from what runs");
        assertEquals(List.of(), appliedBy);
    }

    @Test
    void aFileThatDoesNotLoadChangesNothing() throws Exception {
        Path file = Files.writeString(dir.resolve("raftgres.yml"), yaml("INFO", "rest-pw-one", "4MB", 5433));
        ConfigReload reload = reloadOf(file);
        Files.writeString(file, "scope: demo\nname: [n1\n");
        ReloadResult broken = reload.reload();
        assertFalse(broken.valid());
        assertTrue(broken.message().contains("does not load, nothing changed"), broken.message());
        Files.writeString(file, yaml("LOUD", "rest-pw-one", "4MB", 5433));
        ReloadResult wrong = reload.reload();
        assertFalse(wrong.valid());
        assertTrue(wrong.message().contains("log.level"), wrong.message());
        assertEquals(List.of(), appliedBy);
    }

    @Test
    void aHookThatRefusesLeavesEveryPartAsItWas() throws Exception {
        Path file = Files.writeString(dir.resolve("raftgres.yml"), yaml("INFO", "rest-pw-one", "4MB", 5433));
        ConfigReload reload = reloadOf(file);
        Files.writeString(file, yaml("DEBUG", "short", "4MB", 5433));
        ReloadResult r = reload.reload();
        assertFalse(r.valid());
        assertEquals("restapi.authentication: password too short; nothing changed", r.message());
        assertEquals(List.of(), appliedBy, "the log level was not applied either");
    }
}
