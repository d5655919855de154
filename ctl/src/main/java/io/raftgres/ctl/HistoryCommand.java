package io.raftgres.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code history}: the timeline switches, oldest first, as {@code patronictl history}. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Show the timeline history: TL, LSN, Reason, Timestamp, New Leader.")
final class HistoryCommand extends CtlCommand {

    @Parameters(arity = "0..1", paramLabel = "CLUSTER", description = "cluster name (checked against the members')")
    String cluster;

    @Option(names = {"-f", "--format"}, defaultValue = "pretty", paramLabel = "FORMAT",
            description = "pretty, tsv, json or yaml (default: ${DEFAULT-VALUE})")
    OutputFormat format;

    @Override
    public Integer call() {
        if (cluster != null) {
            root.cluster(cluster);
        }
        List<List<Object>> rows = new ArrayList<>();
        for (Object o : Documents.array(client().any(client().seeds(), "/history").ok())) {
            if (o instanceof List<?> l) {
                List<Object> row = new ArrayList<>(l);
                while (row.size() < 5) {
                    row.add(null);
                }
                rows.add(row.subList(0, 5));
            }
        }
        Table t = new Table(null, List.of("TL", "LSN", "Reason", "Timestamp", "New Leader"), rows, Set.of("TL", "LSN"));
        term().out().print(t.render(format));
        return ExitCodes.OK;
    }
}
