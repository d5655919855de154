package io.raftgres.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** {@code restart}: {@code POST /restart} on each chosen member, now or scheduled, as patronictl. */
@Command(name = "restart", mixinStandardHelpOptions = true,
        description = "Restart PostgreSQL on members (all, the named ones, or by role), now or at a scheduled time.")
final class RestartCommand extends MemberActionCommand {

    @Option(names = "--any", description = "restart one member chosen at random among those selected")
    boolean any;

    @Option(names = "--pending", description = "restart only members with settings waiting for a restart")
    boolean pending;

    @Option(names = "--scheduled", paramLabel = "TIME",
            description = "when: ISO 8601 (e.g. 2026-12-05T03:00, this machine's zone unless it has an offset) or now")
    String scheduled;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "fail a restart that takes longer")
    Integer timeout;

    ZoneId zone = ZoneId.systemDefault();

    @Override
    public Integer call() {
        ClusterView c = root.cluster(cluster);
        List<MemberView> members = chosen(c);
        if (any) {
            members = List.of(members.get(ThreadLocalRandom.current().nextInt(members.size())));
        }
        String when = scheduled != null ? scheduled : force ? "now"
                : term().prompt("When should the restart take place (e.g. " + Schedule.example(zone) + ")", "now");
        String at = Schedule.parse(when, zone);
        if (timeout != null && timeout <= 0) {
            throw CtlException.usage("--timeout must be a positive number of seconds");
        }
        term().confirmOrAbort(force, "Are you sure you want to restart members " + namesOf(members) + "?");
        Map<String, Object> body = new LinkedHashMap<>();
        if (pending) {
            body.put("restart_pending", true);
        }
        if (at != null) {
            body.put("schedule", at);
        }
        if (timeout != null) {
            body.put("timeout", timeout);
        }
        for (MemberView m : members) {
            if (at != null && force && m.scheduledRestart() != null) {
                Response del = send(m, "DELETE", "/restart", null);
                if (del == null) {
                    continue;
                }
                if (!del.success()) {
                    failed("flush scheduled restart", m, del);
                    continue;
                }
            }
            Response r = send(m, "POST", "/restart", Documents.toJson(body));
            if (r == null) {
                continue;
            } else if (r.status() == 200) {
                println("Success: restart on member " + m.name());
            } else if (r.status() == 202) {
                println("Success: restart scheduled on member " + m.name());
            } else if (r.status() == 409) {
                println("Failed: another restart is already scheduled on member " + m.name());
                failedWith(ExitCodes.CONFLICT);
            } else {
                failed("restart", m, r);
            }
        }
        return exitCode();
    }
}
