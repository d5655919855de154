package io.raftgres.ctl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code list} and {@code topology}'s table in patronictl 3.x's columns: Member, Host, Role,
 * State, TL, Lag in MB, then Pending restart, Scheduled restart and Tags when {@code -e} or when
 * any member has one; tsv/json/yaml start with a Cluster column. The footer names maintenance
 * mode and a scheduled switchover.
 */
final class MemberTable {

    private MemberTable() {
    }

    static Table of(ClusterView c, String systemId, boolean extended, boolean topology, OutputFormat format) {
        boolean pending = extended || c.members().stream().anyMatch(MemberView::pendingRestart);
        boolean scheduled = extended || c.members().stream().anyMatch(m -> m.scheduledRestart() != null);
        boolean tags = extended || c.members().stream().anyMatch(m -> !m.tags().isEmpty());
        boolean clusterColumn = format != OutputFormat.PRETTY;
        List<String> columns = new ArrayList<>();
        if (clusterColumn) {
            columns.add("Cluster");
        }
        columns.addAll(List.of("Member", "Host", "Role", "State", "TL", "Lag in MB"));
        if (pending) {
            columns.add("Pending restart");
        }
        if (scheduled) {
            columns.add("Scheduled restart");
        }
        if (tags) {
            columns.add("Tags");
        }
        boolean showPort = showPorts(c.members());
        List<List<Object>> rows = new ArrayList<>();
        for (MemberView m : topology ? topologyOrder(c) : c.members()) {
            List<Object> row = new ArrayList<>();
            if (clusterColumn) {
                row.add(c.scope());
            }
            String name = topology && !m.isLeader() && c.leader().isPresent() ? "+ " + m.name() : m.name();
            row.add(name);
            row.add(m.host() == null ? "" : showPort && m.port() != null ? m.host() + ":" + m.port() : m.host());
            row.add(m.roleTitle());
            row.add(m.state() == null ? "" : m.state());
            row.add(m.timeline() == null ? "" : m.timeline());
            row.add(m.lagInMb());
            if (pending) {
                row.add(m.pendingRestart() ? "*" : "");
            }
            if (scheduled) {
                row.add(m.scheduledRestart() == null ? "" : String.valueOf(m.scheduledRestart().get("schedule")));
            }
            if (tags) {
                row.add(m.tags().isEmpty() ? "" : clusterColumn ? m.tags() : Documents.toFlowYaml(m.tags()));
            }
            rows.add(row);
        }
        String title = "Cluster: " + c.scope() + " (" + (systemId == null ? "uninitialized" : systemId) + ")";
        return new Table(title, columns, rows, Set.of("TL", "Lag in MB"));
    }

    /** Lines after the pretty table: maintenance mode and a scheduled switchover. */
    static String footer(ClusterView c) {
        StringBuilder b = new StringBuilder();
        if (c.paused()) {
            b.append(" Maintenance mode: on\n");
        }
        Map<String, Object> s = c.scheduledSwitchover();
        if (s != null) {
            b.append(" Switchover scheduled at: ").append(s.get("at")).append('\n');
            if (s.get("from") != null) {
                b.append("                    from: ").append(s.get("from")).append('\n');
            }
            if (s.get("to") != null) {
                b.append("                      to: ").append(s.get("to")).append('\n');
            }
        }
        return b.toString();
    }

    /** As patronictl: {@code host:port} when any port is not 5432 or two members share a host. */
    private static boolean showPorts(List<MemberView> members) {
        Set<String> hosts = new HashSet<>();
        for (MemberView m : members) {
            if ((m.port() != null && m.port() != 5432) || !hosts.add(String.valueOf(m.host()))) {
                return true;
            }
        }
        return false;
    }

    /** The leader, then the members replicating from it (raftgres has no cascading replication yet). */
    private static List<MemberView> topologyOrder(ClusterView c) {
        List<MemberView> order = new ArrayList<>();
        c.leader().ifPresent(order::add);
        c.members().stream().filter(m -> !m.isLeader()).forEach(order::add);
        return order;
    }
}
