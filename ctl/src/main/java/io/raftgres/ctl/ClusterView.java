package io.raftgres.ctl;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /cluster} as the CLI uses it: the members (sorted by name, as served), the leader,
 * maintenance mode and a scheduled switchover.
 *
 * @param scheduledSwitchover {@code {at, from, to}}, or null
 */
record ClusterView(String scope, List<MemberView> members, boolean paused, Map<String, Object> scheduledSwitchover) {

    @SuppressWarnings("unchecked")
    static ClusterView of(Map<String, Object> json) {
        List<MemberView> members = new ArrayList<>();
        if (json.get("members") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    members.add(MemberView.of((Map<String, Object>) m));
                }
            }
        }
        return new ClusterView(String.valueOf(json.get("scope")), List.copyOf(members),
                Boolean.TRUE.equals(json.get("pause")),
                json.get("scheduled_switchover") instanceof Map<?, ?> s ? (Map<String, Object>) s : null);
    }

    Optional<MemberView> leader() {
        return members.stream().filter(MemberView::isLeader).findFirst();
    }

    Optional<MemberView> member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** Every member's REST base URL, leader first: where to send a cluster-wide write. */
    List<URI> urlsLeaderFirst() {
        List<URI> urls = new ArrayList<>();
        leader().map(MemberView::apiBase).ifPresent(urls::add);
        members.stream().filter(m -> !m.isLeader()).map(MemberView::apiBase).forEach(urls::add);
        return urls;
    }

    /** The named members; an unknown name is a usage error naming the cluster's members. */
    List<MemberView> select(List<String> names) {
        if (names == null || names.isEmpty()) {
            return members;
        }
        List<MemberView> chosen = new ArrayList<>();
        for (String n : names) {
            chosen.add(member(n).orElseThrow(() -> CtlException.usage("member " + n + " is not in cluster " + scope
                    + " (members: " + String.join(", ", members.stream().map(MemberView::name).toList()) + ")")));
        }
        return chosen;
    }
}
