package io.raftgres.ctl;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code raftgresctl}: patronictl's commands against the members' REST APIs. The global options
 * say where the members are; each subcommand is its own class. Options may come before or after
 * the subcommand ({@code raftgresctl -c f list} and {@code raftgresctl list -c f}).
 */
@Command(name = "raftgresctl", mixinStandardHelpOptions = true, versionProvider = CtlVersion.class,
        description = {"Controls a raftgres cluster through its members' REST APIs, as patronictl does Patroni's.",
                "Members come from -c FILE (an agent's raftgres.yml), --url or RAFTGRESCTL_URL; they are tried in turn."},
        subcommands = {ListCommand.class, TopologyCommand.class, HistoryCommand.class, ShowConfigCommand.class,
                EditConfigCommand.class, SwitchoverCommand.class, FailoverCommand.class, PauseCommand.class,
                ResumeCommand.class, RestartCommand.class, ReloadCommand.class, ReinitCommand.class, FlushCommand.class,
                VersionCommand.class, CommandLine.HelpCommand.class})
final class RaftgresCtl {

    @Option(names = {"-c", "--config-file"}, scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "an agent's raftgres.yml: the restapi address and credentials and the ctl TLS settings "
                    + "(default: $RAFTGRESCTL_CONFIG_FILE)")
    Path configFile;

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "a member's REST API, e.g. http://10.0.0.1:8008; repeat for more members "
                    + "(also $RAFTGRESCTL_URL, comma-separated)")
    List<String> urls = new ArrayList<>();

    @Option(names = {"-k", "--insecure"}, scope = ScopeType.INHERIT,
            description = "do not verify the members' TLS certificates")
    boolean insecure;

    final Terminal terminal;
    private RestClient client;

    RaftgresCtl(Terminal terminal) {
        this.terminal = terminal;
    }

    /** Runs the command line and returns the exit code (see {@link ExitCodes}). */
    static int run(Terminal terminal, String... args) {
        CommandLine cl = new CommandLine(new RaftgresCtl(terminal));
        cl.setOut(terminal.out()).setErr(terminal.err()).setCaseInsensitiveEnumValuesAllowed(true);
        applyExitCodeHelp(cl);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CtlException c) {
                terminal.out().flush();
                terminal.err().println(c.getMessage());
                terminal.err().flush();
                return c.exitCode();
            }
            throw e;
        });
        RaftgresCtl ctl = cl.getCommand();
        try {
            return cl.execute(args);
        } finally {
            terminal.out().flush();
            terminal.err().flush();
            if (ctl.client != null) {
                ctl.client.close();
            }
        }
    }

    private static void applyExitCodeHelp(CommandLine cl) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.HELP);
        cl.getCommandSpec().versionProvider(new CtlVersion());
        cl.getSubcommands().values().forEach(RaftgresCtl::applyExitCodeHelp);
    }

    /** The REST client for the configured members, built on first use. */
    RestClient client() {
        if (client == null) {
            Path file = configFile;
            String envFile = terminal.env().get("RAFTGRESCTL_CONFIG_FILE");
            if (file == null && envFile != null && !envFile.isBlank()) {
                file = Path.of(envFile);
            }
            client = new RestClient(CtlSettings.of(file, urls, terminal.env().get("RAFTGRESCTL_URL"), insecure));
        }
        return client;
    }

    /**
     * {@code GET /cluster} from the first member that answers. {@code expectedScope} (a CLUSTER
     * argument, patronictl's habit) must name this cluster when given.
     */
    ClusterView cluster(String expectedScope) {
        ClusterView c = ClusterView.of(Documents.object(client().any(client().seeds(), "/cluster").ok()));
        if (expectedScope != null && !expectedScope.equals(c.scope())) {
            throw CtlException.usage("cluster " + expectedScope + " is not the cluster these members run ("
                    + c.scope() + ")");
        }
        return c;
    }

    /** Where to send a cluster-wide request: the leader, the other members, then the seeds. */
    List<URI> writeOrder(ClusterView c) {
        List<URI> order = new ArrayList<>(c.urlsLeaderFirst());
        client().seeds().stream().filter(u -> !order.contains(u)).forEach(order::add);
        return order;
    }
}
