package io.raftgres.pgcontrol;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL server binaries in one bin directory, checked before the agent relies on them: every tool
 * raftgres runs is there and executable, each reports the same supported major version, and the server's
 * own parser ({@link #refusedParameters}) judges parameter names and values. Tools run as the OS user that
 * runs PostgreSQL (see {@link ToolRunner}), so a check as root sees what that user sees.
 *
 * <p>Supported majors: {@value #MIN_MAJOR} to {@value #MAX_MAJOR}. raftgres needs wal_keep_size and a
 * reloadable primary_conninfo (both PostgreSQL 13); it is tested with 15, and newer majors are refused until
 * they have been tested.
 */
public final class InstalledServer {

    public static final int MIN_MAJOR = 13;
    public static final int MAX_MAJOR = 17;
    /** Every binary raftgres runs. */
    static final List<String> TOOLS = List.of("postgres", "initdb", "pg_ctl", "pg_basebackup", "pg_rewind",
            "pg_controldata");
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** postgres --describe-config prints about 100 KB; all of it is needed for the names. */
    private static final int DESCRIBE_CONFIG_CHARS = 2_000_000;
    private static final Pattern VERSION = Pattern.compile("^(\\S+) \\(PostgreSQL\\) (\\d+)(\\.\\d+)?");

    private final Path binDir;
    private final int major;
    private final String version;
    private final Set<String> documentedNames;
    private final ToolRunner tools;
    private final OwnedFiles files;

    private InstalledServer(Path binDir, int major, String version, Set<String> documentedNames, ToolRunner tools,
                            OwnedFiles files) {
        this.binDir = binDir;
        this.major = major;
        this.version = version;
        this.documentedNames = documentedNames;
        this.tools = tools;
        this.files = files;
    }

    /**
     * Checks {@code binDir}; the tools run as {@code osUser} when this JVM is root.
     *
     * @throws IllegalArgumentException with one sentence saying what is wrong with the directory
     */
    public static InstalledServer inspect(Path binDir, String osUser) {
        if (!Files.isDirectory(binDir)) {
            throw new IllegalArgumentException(Files.exists(binDir) ? "is not a directory"
                    : "does not exist; it must be the directory of the PostgreSQL server binaries (postgres, pg_ctl, "
                    + "initdb, ...), e.g. " + PgBinaries.DEBIAN_PG15);
        }
        List<String> missing = TOOLS.stream().filter(t -> !Files.isRegularFile(binDir.resolve(t))).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("has no " + String.join(", ", missing)
                    + "; it must hold the PostgreSQL server binaries (on Debian: /usr/lib/postgresql/<major>/bin)");
        }
        boolean root = ToolRunner.runningAsRoot();
        ToolRunner tools = new ToolRunner(binDir, osUser, root);
        String serverVersion = null;
        int major = -1;
        for (String tool : TOOLS) {
            ToolRunner.ToolResult r = tools.run(tool, List.of("--version"), Map.of(), TIMEOUT);
            Matcher m = VERSION.matcher(r.output());
            if (!r.succeeded() || !m.find()) {
                throw new IllegalArgumentException("'" + tool + " --version' did not report a PostgreSQL version"
                        + (root ? " when run as " + osUser : "") + ": " + r.describe());
            }
            int toolMajor = Integer.parseInt(m.group(2));
            if (major < 0) {
                major = toolMajor;
                serverVersion = m.group(2) + (m.group(3) == null ? "" : m.group(3));
            } else if (toolMajor != major) {
                throw new IllegalArgumentException(tool + " is PostgreSQL " + toolMajor + " but postgres is "
                        + major + "; all binaries must come from one installation");
            }
        }
        if (major < MIN_MAJOR || major > MAX_MAJOR) {
            throw new IllegalArgumentException("holds PostgreSQL " + serverVersion + "; raftgres supports PostgreSQL "
                    + MIN_MAJOR + " to " + MAX_MAJOR);
        }
        ToolRunner.ToolResult described = tools.run("postgres", List.of("--describe-config"), Map.of(), TIMEOUT,
                DESCRIBE_CONFIG_CHARS);
        if (!described.succeeded()) {
            throw new IllegalArgumentException("'postgres --describe-config' failed: " + described.describe());
        }
        return new InstalledServer(binDir, major, serverVersion, ParameterVerdicts.names(described.output()),
                tools, new OwnedFiles(osUser, root));
    }

    public int major() {
        return major;
    }

    /** e.g. {@code 15.18}. */
    public String version() {
        return version;
    }

    public Path binDir() {
        return binDir;
    }

    /**
     * What this server says about {@code parameters} as raftgres would write them to postgresql.conf: for each
     * name it refuses, one sentence (PostgreSQL's own message and hint; for an unknown name, the closest
     * known name or the replacement of a removed one). Empty when it accepts them all. Runs
     * {@code postgres -C} on a throw-away configuration directory; no server starts.
     *
     * @throws IllegalStateException when the server could not be asked
     */
    public Map<String, ParameterVerdicts.Refusal> refusedParameters(Map<String, String> parameters) {
        if (parameters.isEmpty()) {
            return Map.of();
        }
        Path scratch;
        try {
            scratch = Files.createTempDirectory("raftgres-pgcheck-");
            Files.setPosixFilePermissions(scratch, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create a temporary directory to check parameters: " + e, e);
        }
        try {
            ParameterVerdicts verdicts = new ParameterVerdicts(major);
            return verdicts.judge(parameters, conf -> runCheck(scratch.resolve("conf"), conf));
        } finally {
            files.deleteContents(scratch);
            files.delete(scratch);
        }
    }

    /** The server's messages about one postgresql.conf text; empty output when it accepts it. */
    private String runCheck(Path dir, String conf) {
        files.ensureDirectory(dir);
        files.write(dir.resolve("postgresql.conf"), conf);
        // -C reads the configuration files and prints one value; it starts no server and needs no PGDATA.
        ToolRunner.ToolResult r = tools.run("postgres", List.of("-D", dir.toString(), "-C", "server_version"),
                Map.of(), TIMEOUT);
        if (r.timedOut()) {
            throw new IllegalStateException(r.describe());
        }
        return r.succeeded() ? "" : r.output();
    }

    /**
     * Names to suggest for an unknown one: those {@code postgres --describe-config} lists (it omits a few
     * developer settings, which PostgreSQL still accepts) and the removed names of {@link #replacementOf}.
     */
    public Set<String> suggestibleNames() {
        Set<String> names = new TreeSet<>(documentedNames);
        names.addAll(ParameterVerdicts.REMOVED.keySet());
        return Collections.unmodifiableSet(names);
    }

    /**
     * Parameters raftgres itself cannot use, whatever PostgreSQL thinks (wal_level minimal, a non-integer
     * max_wal_senders, a value spanning lines), with why; the rules {@link PgControlConfig} enforces.
     */
    public static Map<String, String> unusableParameters(Map<String, String> parameters) {
        return EnforcedParameters.refused(parameters);
    }

    /** For a parameter older PostgreSQL had and this one has not: which version removed it, and what to use. */
    public static Optional<String> replacementOf(String name) {
        return Optional.ofNullable(ParameterVerdicts.REMOVED.get(name));
    }
}
