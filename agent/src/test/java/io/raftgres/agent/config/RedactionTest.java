package io.raftgres.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactionTest {
    private static final List<String> SECRETS = List.of("rest-pw-1", "super-pw-2", "repl-pw-3", "rewind-pw-4",
            "conninfo-pw-5", "passphrase-6");

    @TempDir
    Path dir;

    private RaftgresConfig configWithEverySecret() throws ConfigException {
        return ConfigFixture.valid()
                .set("restapi.authentication.username", "admin")
                .set("restapi.authentication.password", "rest-pw-1")
                .set("postgresql.authentication.superuser.password", "super-pw-2")
                .set("postgresql.authentication.replication.password", "repl-pw-3")
                .set("postgresql.authentication.rewind.username", "rewinder")
                .set("postgresql.authentication.rewind.password", "rewind-pw-4")
                .set("postgresql.parameters", Map.of("primary_conninfo", "host=x password=conninfo-pw-5",
                        "ssl_passphrase_command", "echo passphrase-6", "work_mem", "4MB"))
                .set("bootstrap.dcs.postgresql.parameters", Map.of("primary_conninfo", "password=conninfo-pw-5"))
                .load(dir);
    }

    @Test
    void toStringOfEveryPartNeverShowsPasswords() throws ConfigException {
        RaftgresConfig c = configWithEverySecret();

        for (String text : List.of(c.toString(), c.postgresql().toString(), c.restapi().toString(),
                c.postgresql().superuser().toString(), c.postgresql().rewindUser().toString())) {
            for (String secret : SECRETS) {
                assertFalse(text.contains(secret), () -> "'" + secret + "' leaked in: " + text);
            }
        }
        assertEquals("Credentials[username=admin, password=******]", c.restapi().authentication().toString());
    }

    @Test
    void displayMapMasksPasswordsAndSecretParametersButKeepsTheRest() throws ConfigException {
        Map<String, Object> display = configWithEverySecret().toDisplayMap();
        String rendered = display.toString();

        for (String secret : SECRETS) {
            assertFalse(rendered.contains(secret), () -> "'" + secret + "' leaked in: " + rendered);
        }
        assertTrue(rendered.contains("username=admin"), rendered);
        assertTrue(rendered.contains("work_mem=4MB"), rendered);
        assertTrue(rendered.contains("primary_conninfo=******"), rendered);
        @SuppressWarnings("unchecked")
        Map<String, Object> raft = (Map<String, Object>) display.get("raft");
        assertEquals("1000ms", raft.get("lease"));
        assertEquals(List.of("127.0.0.1:5011", "127.0.0.1:5012"), raft.get("partner_addrs"));
    }

    @Test
    void displayMapUsesYamlKeyNamesAndOrder() throws ConfigException {
        Map<String, Object> display = configWithEverySecret().toDisplayMap();

        assertEquals(List.of("scope", "name", "restapi", "raft", "bootstrap", "postgresql", "tags", "watchdog", "log"),
                List.copyOf(display.keySet()));
    }

    @Test
    void problemsNeverEchoAPassword() {
        ConfigException e = ConfigFixture.valid()
                .set("postgresql.authentication.superuser.password", List.of("super-pw-2"))
                .set("postgresql.authentication.replication", "repl-pw-3")
                .failure(dir, Map.of("RAFTGRES_SUPERUSER_USERNAME", " ", "RAFTGRES_REWIND_PASSWORD", "rewind-pw-4"));

        for (String secret : SECRETS) {
            assertFalse(e.getMessage().contains(secret), () -> "'" + secret + "' leaked in: " + e.getMessage());
        }
        ConfigFixture.assertProblem(e, "postgresql.authentication.superuser.password", "found a list");
        ConfigFixture.assertProblem(e, "postgresql.authentication.replication", "must be a mapping of keys to values,"
                + " found text");
        ConfigFixture.assertProblem(e, "postgresql.authentication.superuser.username", "must not be empty");
        ConfigFixture.assertProblem(e, "postgresql.authentication.rewind.username", "give both");
    }

    @Test
    void keepsPasswordExactlyAsWritten() throws ConfigException {
        RaftgresConfig c = ConfigFixture.valid().set("postgresql.authentication.superuser.password", " pad ")
                .load(dir);

        assertEquals(" pad ", c.postgresql().superuser().password());
    }

    @Test
    void yamlSyntaxErrorOnPasswordLineDoesNotEchoIt() {
        Path file = ConfigFixture.writeText(dir, """
                scope: demo
                name: n1
                postgresql:
                  authentication:
                    superuser: {username: postgres, password: "super-pw-2}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));

        assertFalse(e.getMessage().contains("super-pw-2"), e.getMessage());
    }
}
