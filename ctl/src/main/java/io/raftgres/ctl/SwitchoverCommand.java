package io.raftgres.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code switchover}: asks for (or takes) the leader, the candidate and when, shows the cluster,
 * confirms, and sends {@code POST /switchover {leader, candidate, scheduled_at}} to the leader
 * (then the other members), as patronictl does. The answer arrives once the switchover is done.
 */
@Command(name = "switchover", mixinStandardHelpOptions = true,
        description = "Hand the leader role over to a healthy replica, now or at a scheduled time.")
class SwitchoverCommand extends CtlCommand {

    @Parameters(arity = "0..1", paramLabel = "CLUSTER", description = "cluster name (checked against the members')")
    String cluster;

    @Option(names = {"--leader", "--primary"}, paramLabel = "NAME", description = "the current leader (checked)")
    String leader;

    @Option(names = "--candidate", paramLabel = "NAME", description = "the member to promote")
    String candidate;

    @Option(names = "--scheduled", paramLabel = "TIME",
            description = "when: ISO 8601 (e.g. 2026-12-05T03:00, this machine's zone unless it has an offset) or now")
    String scheduled;

    @Option(names = "--force", description = "do not ask: current leader, any candidate, now")
    boolean force;

    ZoneId zone = ZoneId.systemDefault();

    boolean failover() {
        return false;
    }

    @Override
    public Integer call() {
        String action = failover() ? "failover" : "switchover";
        ClusterView c = root.cluster(cluster);
        Map<String, Object> body = failover() ? failoverBody(c) : switchoverBody(c);
        if (!force) {
            println("Current cluster topology");
            term().out().print(MemberTable.of(c, systemId(), false, false, OutputFormat.PRETTY).render(OutputFormat.PRETTY));
            String demoting = c.leader().map(l -> ", demoting current leader " + l.name()).orElse("");
            term().confirmOrAbort(false, "Are you sure you want to " + action + " cluster " + c.scope() + demoting + "?");
        }
        Response r = client().any(root.writeOrder(c), "POST", "/" + action, Documents.toJson(body), Map.of());
        if (!r.success()) {
            throw r.error();
        }
        println(OffsetDateTime.now(zone).withNano(0) + " " + r.reason());
        return ExitCodes.OK;
    }

    private Map<String, Object> switchoverBody(ClusterView c) {
        MemberView current = c.leader().orElseThrow(() -> CtlException.failed("This cluster has no leader: use "
                + "failover"));
        String from = leader != null ? leader : force ? current.name() : term().prompt("Primary", current.name());
        if (!from.equals(current.name())) {
            throw CtlException.failed("Member " + from + " is not the leader of cluster " + c.scope());
        }
        String to = chooseCandidate(c, current.name(), false);
        if (c.paused() && to == null) {
            throw CtlException.failed("Switchover is possible only to a specific candidate in a paused state");
        }
        String when = scheduled != null ? scheduled : force ? "now"
                : term().prompt("When should the switchover take place (e.g. " + Schedule.example(zone) + ")", "now");
        String at = Schedule.parse(when, zone);
        if (at != null && c.paused()) {
            throw CtlException.failed("Can't schedule switchover in the paused state");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("leader", from);
        if (to != null) {
            body.put("candidate", to);
        }
        if (at != null) {
            body.put("scheduled_at", at);
        }
        return body;
    }

    private Map<String, Object> failoverBody(ClusterView c) {
        if (scheduled != null && Schedule.parse(scheduled, zone) != null) {
            throw CtlException.usage("Failover can't be scheduled: use switchover --scheduled");
        }
        String current = c.leader().map(MemberView::name).orElse(null);
        if (leader != null && !leader.equals(current)) {
            throw CtlException.failed("Member " + leader + " is not the leader of cluster " + c.scope());
        }
        String to = chooseCandidate(c, current, true);
        if (to == null) {
            throw CtlException.usage("Failover could be performed only to a specific candidate: give --candidate");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (leader != null) {
            body.put("leader", leader);
        }
        body.put("candidate", to);
        return body;
    }

    /** --candidate, else (unless --force) asked with the other members as choices; null means any. */
    private String chooseCandidate(ClusterView c, String current, boolean required) {
        List<String> others = c.members().stream().map(MemberView::name).filter(n -> !n.equals(current)).toList();
        String to = candidate;
        if (to == null && !force) {
            to = term().prompt("Candidate " + others, required && others.size() == 1 ? others.getFirst() : "");
        }
        if (to == null || to.isEmpty()) {
            return null;
        }
        if (to.equals(current)) {
            throw CtlException.failed(failover() ? "Member " + to + " is already the leader of cluster " + c.scope()
                    : "Switchover target and source are the same");
        }
        if (c.member(to).isEmpty()) {
            throw CtlException.failed("Member " + to + " does not exist in cluster " + c.scope());
        }
        return to;
    }
}
