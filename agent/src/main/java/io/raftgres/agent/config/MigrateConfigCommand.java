package io.raftgres.agent.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code raftgres --migrate-config patroni.yml}: prints the equivalent raftgres.yml to standard
 * output, every change with a comment, then validates that output exactly as
 * {@code --validate-config} would (without environment overrides) and lists any problem left on
 * standard error. Exit 0 when the output is valid as printed, 1 when it needs editing (for example
 * the partner addresses of a Patroni file without a {@code raft:} section) or the input cannot be
 * read. The output holds the passwords of the input: redirect it into a file of mode 0600.
 */
public final class MigrateConfigCommand {

    private MigrateConfigCommand() {
    }

    public static int run(Path patroniFile, PrintStream out, PrintStream err) {
        Map<?, ?> patroni;
        try {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(patroniFile));
            if (!(doc instanceof Map<?, ?> map)) {
                err.println(patroniFile + ": not a Patroni configuration (expected a YAML mapping)");
                return ValidateConfigCommand.INVALID;
            }
            patroni = map;
        } catch (IOException | YAMLException e) {
            err.println(patroniFile + ": cannot read: " + e.getMessage());
            return ValidateConfigCommand.INVALID;
        }
        String yaml = MigratedYaml.render(PatroniMigration.migrate(patroni),
                "raftgres configuration migrated from " + patroniFile + " by raftgres --migrate-config.\n"
                        + "Each change is explained in a comment above the key. README: Coming from Patroni.");
        out.print(yaml);
        List<String> todo = patroni.containsKey("raft") ? List.of()
                : List.of("raft.partner_addrs: list the other members' Raft addresses (the Patroni file has no raft:"
                        + " section to take them from)");
        return validate(yaml, todo, err);
    }

    private static int validate(String yaml, List<String> todo, PrintStream err) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("raftgres-migrate");
            Path file = Files.writeString(dir.resolve("raftgres.yml"), yaml);
            List<String> left = new ArrayList<>(todo);
            try {
                ConfigLoader.load(file, Map.of());
            } catch (ConfigException e) {
                e.problems().forEach(p -> left.add(p.key() + ": " + p.reason()));
            }
            if (left.isEmpty()) {
                err.println("raftgres: the migrated configuration is valid");
                return ValidateConfigCommand.VALID;
            }
            err.println("raftgres: edit the migrated configuration before use:");
            left.forEach(line -> err.println("  " + line));
            return ValidateConfigCommand.INVALID;
        } catch (IOException e) {
            err.println("raftgres: could not validate the migrated configuration: " + e.getMessage());
            return ValidateConfigCommand.INVALID;
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(dir.resolve("raftgres.yml"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover temporary file is harmless
        }
    }
}
