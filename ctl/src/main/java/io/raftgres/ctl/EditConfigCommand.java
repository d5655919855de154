package io.raftgres.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code edit-config}: reads {@code /config} and its version, changes it ($EDITOR, or
 * {@code -s}/{@code -p}/{@code --apply}/{@code --replace}), shows a unified diff, asks, and
 * writes it with {@code PUT /config} and {@code If-Match: <version read>}: when someone else
 * changed the configuration meanwhile, the server answers 409 and nothing is lost.
 */
@Command(name = "edit-config", mixinStandardHelpOptions = true,
        description = "Edit the dynamic configuration: opens $EDITOR unless -s, -p, --apply or --replace is given; "
                + "shows a diff and asks before writing. A concurrent change makes it fail (exit 5), not overwrite.")
final class EditConfigCommand extends CtlCommand {

    @Parameters(arity = "0..1", paramLabel = "CLUSTER", description = "cluster name (checked against the members')")
    String cluster;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "set a key, dots for nesting (e.g. loop_wait=5); an empty value deletes it")
    List<String> sets = new ArrayList<>();

    @Option(names = {"-p", "--pg"}, paramLabel = "NAME=VALUE",
            description = "set a PostgreSQL parameter (postgresql.parameters.NAME); an empty value deletes it")
    List<String> pgParams = new ArrayList<>();

    @Option(names = "--apply", paramLabel = "FILE", description = "merge this YAML file's changes (- for stdin)")
    List<String> applyFiles = new ArrayList<>();

    @Option(names = "--replace", paramLabel = "FILE", description = "replace the configuration with this YAML file "
            + "(- for stdin)")
    String replaceFile;

    @Option(names = {"-q", "--quiet"}, description = "do not show the diff")
    boolean quiet;

    @Option(names = "--force", description = "write without asking")
    boolean force;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (cluster != null) {
            root.cluster(cluster);
        }
        Response read = client().any(client().seeds(), "/config").ok();
        Map<String, Object> before = Documents.object(read);
        String beforeText = Documents.toYaml(before);
        Map<String, Object> after;
        if (replaceFile != null) {
            after = mapping(readInput(replaceFile), replaceFile);
        } else if (!sets.isEmpty() || !pgParams.isEmpty() || !applyFiles.isEmpty()) {
            List<Map<String, Object>> patches = new ArrayList<>();
            for (String f : applyFiles) {
                patches.add(mapping(readInput(f), f));
            }
            after = ConfigEdits.apply(before, patches, sets, pgParams);
        } else {
            after = mapping(edit(beforeText), "the edited configuration");
        }
        String afterText = Documents.toYaml(after);
        String diff = UnifiedDiff.of(beforeText, afterText, "before", "after");
        if (diff.isEmpty()) {
            println("Not changed");
            return ExitCodes.OK;
        }
        if (!quiet) {
            term().out().print(diff);
            println("");
        }
        term().confirmOrAbort(force, "Apply these changes?");
        Map<String, String> ifMatch = read.etag() == null ? Map.of() : Map.of("If-Match", read.etag());
        Response r = client().any(client().seeds(), "PUT", "/config", Documents.toJson(after), ifMatch);
        if (r.status() == 409) {
            throw new CtlException(ExitCodes.CONFLICT, "not applied (409 from " + r.member() + "): the configuration "
                    + "changed while you edited it (" + r.reason() + "); run edit-config again");
        }
        r.ok();
        println("Configuration changed");
        return ExitCodes.OK;
    }

    /** Opens $EDITOR (else $VISUAL, else vi) on the YAML and returns what the operator saved. */
    private String edit(String text) throws IOException, InterruptedException {
        Map<String, String> env = term().env();
        String editor = env.getOrDefault("EDITOR", env.getOrDefault("VISUAL", "vi"));
        Path file = Files.createTempFile("raftgresctl-config-", ".yaml");
        try {
            Files.writeString(file, text);
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", editor + " \"$1\"", "sh", file.toString()).inheritIO();
            pb.environment().putAll(env);
            int code = pb.start().waitFor();
            if (code != 0) {
                throw CtlException.failed("the editor (" + editor + ") exited with " + code + "; nothing changed");
            }
            return Files.readString(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private String readInput(String name) throws IOException {
        if (name.equals("-")) {
            StringBuilder b = new StringBuilder();
            for (String line = term().in().readLine(); line != null; line = term().in().readLine()) {
                b.append(line).append('\n');
            }
            return b.toString();
        }
        try {
            return Files.readString(Path.of(name));
        } catch (IOException e) {
            throw CtlException.usage("cannot read " + name + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(String yaml, String what) {
        Object doc = Documents.fromYaml(yaml, what);
        if (doc == null) {
            doc = Map.of();
        }
        if (!(doc instanceof Map<?, ?> m)) {
            throw CtlException.usage(what + " must be a YAML mapping");
        }
        return ConfigEdits.copy((Map<String, Object>) m);
    }
}
