package io.raftgres.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;

/**
 * {@code flush CLUSTER [MEMBER...] restart|switchover}: cancels scheduled restarts
 * ({@code DELETE /restart} on each member that has one) or the scheduled switchover
 * ({@code DELETE /switchover}), as patronictl.
 */
@Command(name = "flush", mixinStandardHelpOptions = true,
        description = "Cancel scheduled restarts (flush CLUSTER [MEMBER...] restart) or the scheduled switchover "
                + "(flush CLUSTER switchover).")
final class FlushCommand extends CtlCommand {

    @Parameters(index = "0", paramLabel = "CLUSTER", description = "cluster name (checked against the members')")
    String cluster;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "[MEMBER...] restart|switchover",
            description = "members (for restart) and what to cancel")
    List<String> rest;

    @Option(names = {"-r", "--role"}, defaultValue = "any", paramLabel = "ROLE",
            description = "only members with this role: leader, primary, replica, standby or any (default: any)")
    String role;

    @Option(names = "--force", description = "do not ask")
    boolean force;

    @Override
    public Integer call() {
        String target = rest.getLast();
        List<String> names = rest.subList(0, rest.size() - 1);
        ClusterView c = root.cluster(cluster);
        return switch (target) {
            case "restart" -> flushRestarts(c, names);
            case "switchover" -> {
                if (!names.isEmpty()) {
                    throw CtlException.usage("flush switchover takes no member names");
                }
                yield flushSwitchover(c);
            }
            default -> throw CtlException.usage("flush cancels 'restart' or 'switchover', not '" + target + "'");
        };
    }

    private int flushRestarts(ClusterView c, List<String> names) {
        List<MemberView> members = c.select(names).stream().filter(m -> m.hasRole(role)).toList();
        List<MemberView> scheduled = members.stream().filter(m -> m.scheduledRestart() != null).toList();
        members.stream().filter(m -> m.scheduledRestart() == null)
                .forEach(m -> println("No scheduled restart for member " + m.name()));
        if (scheduled.isEmpty()) {
            return ExitCodes.OK;
        }
        term().confirmOrAbort(force, "Are you sure you want to flush scheduled restarts of members "
                + MemberActionCommand.namesOf(scheduled) + "?");
        int code = ExitCodes.OK;
        for (MemberView m : scheduled) {
            Response r = client().one(m.apiBase(), "DELETE", "/restart", null);
            if (r.success()) {
                println("Success: flush scheduled restart for member " + m.name());
            } else {
                println("Failed: flush scheduled restart for member " + m.name() + ", status code=" + r.status() + ", ("
                        + r.reason() + ")");
                code = code != ExitCodes.OK ? code : r.error().exitCode();
            }
        }
        return code;
    }

    private int flushSwitchover(ClusterView c) {
        Response r = client().any(root.writeOrder(c), "DELETE", "/switchover", null, Map.of());
        if (r.status() == 404) {
            println("No pending scheduled switchover");
            return ExitCodes.OK;
        }
        r.ok();
        println("Success: scheduled switchover deleted");
        return ExitCodes.OK;
    }
}
