package io.raftgres.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code show-config}: the dynamic configuration, in YAML as patronictl prints it (or JSON). */
@Command(name = "show-config", mixinStandardHelpOptions = true,
        description = "Show the cluster's dynamic configuration (GET /config).")
final class ShowConfigCommand extends CtlCommand {

    @Parameters(arity = "0..1", paramLabel = "CLUSTER", description = "cluster name (checked against the members')")
    String cluster;

    @Option(names = {"-f", "--format"}, defaultValue = "yaml", paramLabel = "FORMAT",
            description = "yaml (also for pretty) or json (default: ${DEFAULT-VALUE})")
    OutputFormat format;

    @Override
    public Integer call() {
        if (cluster != null) {
            root.cluster(cluster);
        }
        Object config = Documents.object(client().any(client().seeds(), "/config").ok());
        term().out().print(format == OutputFormat.JSON ? Documents.toJson(config) + "\n" : Documents.toYaml(config));
        return ExitCodes.OK;
    }
}
