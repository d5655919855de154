package io.raftgres.ctl;

import picocli.CommandLine.Command;

import java.util.List;

/** {@code reload}: {@code POST /reload} on each chosen member: it re-reads its raftgres.yml. */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Make members re-read their configuration file (as SIGHUP).")
final class ReloadCommand extends MemberActionCommand {

    @Override
    public Integer call() {
        ClusterView c = root.cluster(cluster);
        List<MemberView> members = chosen(c);
        term().confirmOrAbort(force, "Are you sure you want to reload members " + namesOf(members) + "?");
        for (MemberView m : members) {
            Response r = send(m, "POST", "/reload", null);
            if (r == null) {
                continue;
            } else if (r.status() == 200) {
                println("No changes to apply on member " + m.name());
            } else if (r.status() == 202) {
                println("Reload request received for member " + m.name() + " and will be processed within one HA loop");
            } else {
                failed("reload", m, r);
            }
        }
        return exitCode();
    }
}
