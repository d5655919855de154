package io.raftgres.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * {@code reinit}: {@code POST /reinitialize {force, from_leader}} on each named replica: it wipes
 * its data directory and clones again. With {@code --force}, a member busy with another action
 * is asked again with {@code force: true}, as patronictl does.
 */
@Command(name = "reinit", mixinStandardHelpOptions = true,
        description = "Rebuild replicas from scratch (wipe the data directory, clone again).")
final class ReinitCommand extends MemberActionCommand {

    @Option(names = "--from-leader", description = "clone from the leader, not from any replica")
    boolean fromLeader;

    @Override
    public Integer call() {
        if (names.isEmpty()) {
            throw CtlException.usage("name the member(s) to reinitialize: reinit CLUSTER MEMBER...");
        }
        ClusterView c = root.cluster(cluster);
        List<MemberView> members = chosen(c);
        term().confirmOrAbort(force, "Are you sure you want to reinitialize members " + namesOf(members) + "?");
        for (MemberView m : members) {
            Response r = send(m, "POST", "/reinitialize", body(false));
            if (r != null && r.status() == 503 && force && r.reason().contains("in progress")) {
                r = send(m, "POST", "/reinitialize", body(true));
            }
            if (r == null) {
                continue;
            } else if (r.success()) {
                println("Success: reinitialize for member " + m.name());
            } else {
                failed("reinitialize", m, r);
            }
        }
        return exitCode();
    }

    private String body(boolean forceTask) {
        return "{\"force\": " + forceTask + ", \"from_leader\": " + fromLeader + "}";
    }
}
