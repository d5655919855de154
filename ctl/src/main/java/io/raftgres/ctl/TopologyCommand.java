package io.raftgres.ctl;

import picocli.CommandLine.Command;

/** {@code topology}: {@code list} with the replicas drawn under the leader they follow. */
@Command(name = "topology", mixinStandardHelpOptions = true,
        description = "Show the members as a tree: the leader, then the replicas following it (+ name).")
final class TopologyCommand extends ListCommand {

    @Override
    boolean topology() {
        return true;
    }
}
