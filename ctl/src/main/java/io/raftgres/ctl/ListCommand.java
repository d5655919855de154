package io.raftgres.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** {@code list}: the members table, as {@code patronictl list}; {@code -W}/{@code -w N} refresh it. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Show the members: Member, Host, Role, State, TL, Lag in MB (+ Pending restart, Scheduled "
                + "restart, Tags), with maintenance mode and a scheduled switchover below.")
class ListCommand extends CtlCommand {

    @Parameters(arity = "0..*", paramLabel = "CLUSTER", description = "cluster name (checked against the members')")
    List<String> clusters = List.of();

    @Option(names = {"-e", "--extended"}, description = "always show Pending restart, Scheduled restart and Tags")
    boolean extended;

    @Option(names = {"-t", "--timestamp"}, description = "print the time before the table")
    boolean timestamp;

    @Option(names = {"-f", "--format"}, defaultValue = "pretty", paramLabel = "FORMAT",
            description = "pretty, tsv, json or yaml (default: ${DEFAULT-VALUE})")
    OutputFormat format;

    @Option(names = "-W", description = "refresh every 2 s until interrupted")
    boolean watchDefault;

    @Option(names = {"-w", "--watch"}, paramLabel = "SECONDS", description = "refresh every SECONDS until interrupted")
    Double watch;

    /** Whether rows go in topology order with replicas under the leader. */
    boolean topology() {
        return false;
    }

    @Override
    public Integer call() {
        if (watch != null && !(watch > 0)) {
            throw CtlException.usage("--watch must be a positive number of seconds, not " + watch);
        }
        Double interval = watch != null ? watch : watchDefault ? Double.valueOf(2) : null;
        String cluster = clusters.isEmpty() ? null : clusters.getFirst();
        while (true) {
            if (timestamp || interval != null) {
                println("Timestamp: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            }
            try {
                printOnce(cluster);
            } catch (CtlException e) {
                if (interval != null && Thread.currentThread().isInterrupted()) {
                    return ExitCodes.OK;
                }
                throw e;
            }
            if (interval == null) {
                return ExitCodes.OK;
            }
            term().out().flush();
            try {
                Thread.sleep((long) (interval * 1000));
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
                return ExitCodes.OK;
            }
            println("");
        }
    }

    private void printOnce(String cluster) {
        ClusterView c = root.cluster(cluster);
        String systemId = format == OutputFormat.PRETTY ? systemId() : null;
        term().out().print(MemberTable.of(c, systemId, extended, topology(), format).render(format));
        if (format == OutputFormat.PRETTY) {
            term().out().print(MemberTable.footer(c));
        }
    }
}
