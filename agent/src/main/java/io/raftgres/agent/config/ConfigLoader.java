package io.raftgres.agent.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a member's configuration: reads the YAML file with SnakeYAML's safe constructor
 * (plain maps, lists and scalars; no arbitrary classes), applies {@code RAFTGRES_*}
 * environment overrides ({@link EnvOverrides} documents the mapping), then validates
 * everything in one pass. Precedence, as in Patroni: environment over file over defaults.
 *
 * <p>Either a complete {@link RaftgresConfig} comes back, or a {@link ConfigException}
 * listing every problem found; an unreadable file or one that is not a YAML mapping is
 * such a problem, never a stack trace.
 *
 * <p>Start-up and {@code --validate-config} call {@link #loadForThisHost}, which also checks the
 * PostgreSQL binaries and parameters on this host; {@link #load(Path, Map)} checks the file alone.
 * Stateless and thread-safe.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * Loads {@code file} with overrides from {@code env}.
     *
     * @throws ConfigException listing every problem when the configuration cannot be used
     */
    public static RaftgresConfig load(Path file, Map<String, String> env) throws ConfigException {
        return load(file, env, HostCheck.NONE);
    }

    /**
     * {@link #load(Path, Map)} plus the checks against this host's PostgreSQL ({@link InstalledPostgresCheck}):
     * what {@code --validate-config} and every start use.
     *
     * @throws ConfigException listing every problem when the configuration cannot be used here
     */
    public static RaftgresConfig loadForThisHost(Path file, Map<String, String> env) throws ConfigException {
        return load(file, env, new InstalledPostgresCheck());
    }

    private static RaftgresConfig load(Path file, Map<String, String> env, HostCheck host) throws ConfigException {
        ConfigProblems problems = new ConfigProblems(file.toString());
        Map<String, Object> root = readMapping(file, problems);
        if (root == null) {
            throw new ConfigException(problems.all());
        }
        EnvOverrides.apply(root, env, problems);
        RaftgresConfig config = RaftgresConfig.read(new YamlSection("", root, problems), host);
        if (problems.count() > 0 || config == null) {
            throw new ConfigException(problems.all());
        }
        return config;
    }

    /** The file's top-level mapping, or null after reporting why there is none. */
    private static Map<String, Object> readMapping(Path file, ConfigProblems problems) {
        String text = readText(file, problems);
        if (text == null) {
            return null;
        }
        Object document;
        try {
            document = newYaml().load(text);
        } catch (MarkedYAMLException e) {
            problems.addFileProblem("not valid YAML: " + e.getProblem() + at(e.getProblemMark()));
            return null;
        } catch (YAMLException e) {
            problems.addFileProblem("not valid YAML: " + e.getMessage());
            return null;
        }
        if (document == null) {
            problems.addFileProblem("the file is empty; expected a YAML mapping with at least scope, name, raft and"
                    + " postgresql");
            return null;
        }
        if (!(document instanceof Map<?, ?> map)) {
            problems.addFileProblem("must be a YAML mapping of keys to values at the top level, found "
                    + YamlSection.describe(document));
            return null;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> mapping = (Map<String, Object>) map;
        return mapping;
    }

    private static String readText(Path file, ConfigProblems problems) {
        if (Files.isDirectory(file)) {
            problems.addFileProblem("is a directory; expected a YAML file");
            return null;
        }
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            problems.addFileProblem("cannot read: the file does not exist");
        } catch (AccessDeniedException e) {
            problems.addFileProblem("cannot read: permission denied");
        } catch (CharacterCodingException e) {
            problems.addFileProblem("cannot read: the file is not UTF-8 text");
        } catch (IOException e) {
            problems.addFileProblem("cannot read: " + e);
        }
        return null;
    }

    /** Duplicate keys are refused: the later one would silently win, and usually one is a mistake. */
    private static Yaml newYaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(50);
        return new Yaml(new SafeConstructor(options));
    }

    private static String at(Mark mark) {
        return mark == null ? "" : " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")";
    }
}
