package io.raftgres.agent.config;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Builds a configuration as nested maps, lets a test change one key by dotted path, writes it
 * as a real YAML file and loads it with {@link ConfigLoader}. Starts from a minimal valid
 * three-member configuration.
 */
final class ConfigFixture {
    static final String FILE_NAME = "raftgres.yml";

    private final Map<String, Object> root = new LinkedHashMap<>();

    static ConfigFixture valid() {
        return new ConfigFixture()
                .set("scope", "demo")
                .set("name", "n1")
                .set("raft.self_addr", "127.0.0.1:5010")
                .set("raft.partner_addrs", List.of("127.0.0.1:5011", "127.0.0.1:5012"))
                .set("raft.data_dir", "/var/lib/raftgres/raft")
                .set("postgresql.listen", "127.0.0.1:5433")
                .set("postgresql.data_dir", "/var/lib/raftgres/pg")
                .set("postgresql.authentication.superuser.username", "postgres")
                .set("postgresql.authentication.superuser.password", "super-secret-pw")
                .set("postgresql.authentication.replication.username", "replicator")
                .set("postgresql.authentication.replication.password", "repl-secret-pw");
    }

    /** Sets a value, creating the mappings on the way. */
    ConfigFixture set(String dottedPath, Object value) {
        String[] parts = dottedPath.split("\\.");
        Map<String, Object> current = root;
        for (int i = 0; i < parts.length - 1; i++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> next = (Map<String, Object>) current.computeIfAbsent(parts[i],
                    k -> new LinkedHashMap<String, Object>());
            current = next;
        }
        current.put(parts[parts.length - 1], value);
        return this;
    }

    ConfigFixture remove(String dottedPath) {
        String[] parts = dottedPath.split("\\.");
        Map<?, ?> current = root;
        for (int i = 0; i < parts.length - 1; i++) {
            current = (Map<?, ?>) current.get(parts[i]);
        }
        current.remove(parts[parts.length - 1]);
        return this;
    }

    Path write(Path dir) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return writeText(dir, new Yaml(options).dump(root));
    }

    static Path writeText(Path dir, String yaml) {
        try {
            return Files.writeString(dir.resolve(FILE_NAME), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RaftgresConfig load(Path dir) throws ConfigException {
        return load(dir, Map.of());
    }

    RaftgresConfig load(Path dir, Map<String, String> env) throws ConfigException {
        return ConfigLoader.load(write(dir), env);
    }

    ConfigException failure(Path dir) {
        return failure(dir, Map.of());
    }

    ConfigException failure(Path dir, Map<String, String> env) {
        Path file = write(dir);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file, env));
    }

    /** Asserts a problem with exactly {@code key} whose reason contains {@code reasonPart}; returns it. */
    static ConfigProblem assertProblem(ConfigException e, String key, String reasonPart) {
        for (ConfigProblem p : e.problems()) {
            if (p.key().equals(key) && p.reason().contains(reasonPart)) {
                return p;
            }
        }
        return fail("no problem at '" + key + "' containing '" + reasonPart + "'; problems were:\n" + e.getMessage());
    }

    /** Asserts {@code e} holds exactly one problem, at {@code key} with a reason containing {@code reasonPart}. */
    static ConfigProblem assertOnlyProblem(ConfigException e, String key, String reasonPart) {
        if (e.problems().size() != 1) {
            fail("expected exactly one problem, got:\n" + e.getMessage());
        }
        return assertProblem(e, key, reasonPart);
    }

    static List<String> keys(ConfigException e) {
        return e.problems().stream().map(ConfigProblem::key).collect(Collectors.toCollection(ArrayList::new));
    }
}
