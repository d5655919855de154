package io.raftgres.ctl;

import java.net.URI;
import java.util.Map;

/**
 * One member of {@code GET /cluster}, with Patroni's field names.
 *
 * @param role    {@code leader}, {@code sync_standby}, {@code replica}, ...
 * @param lag     bytes behind the leader (a number), the string {@code unknown}, or null for the leader
 * @param scheduledRestart {@code {schedule, ...}}, or null
 */
record MemberView(String name, String role, String state, String apiUrl, String host, Integer port, Integer timeline,
                  Object lag, boolean pendingRestart, Map<String, Object> scheduledRestart, Map<String, Object> tags) {

    @SuppressWarnings("unchecked")
    static MemberView of(Map<String, Object> m) {
        return new MemberView(String.valueOf(m.get("name")), String.valueOf(m.get("role")), str(m.get("state")),
                str(m.get("api_url")), str(m.get("host")), m.get("port") instanceof Number n ? n.intValue() : null,
                m.get("timeline") instanceof Number t ? t.intValue() : null, m.get("lag"),
                Boolean.TRUE.equals(m.get("pending_restart")),
                m.get("scheduled_restart") instanceof Map<?, ?> s ? (Map<String, Object>) s : null,
                m.get("tags") instanceof Map<?, ?> t ? (Map<String, Object>) t : Map.of());
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    boolean isLeader() {
        return role.equals("leader") || role.equals("standby_leader");
    }

    /** The REST base URL from {@code api_url} ({@code http://host:port/patroni} in Patroni's form). */
    URI apiBase() {
        if (apiUrl == null) {
            throw CtlException.failed("member " + name + " publishes no api_url");
        }
        URI u = URI.create(apiUrl);
        return URI.create(u.getScheme() + "://" + u.getRawAuthority());
    }

    /** Patroni's role title: {@code Leader}, {@code Sync Standby}, {@code Replica}. */
    String roleTitle() {
        StringBuilder b = new StringBuilder();
        for (String w : role.split("_")) {
            b.append(b.isEmpty() ? "" : " ").append(w.isEmpty() ? w : Character.toUpperCase(w.charAt(0)) + w.substring(1));
        }
        return b.toString();
    }

    /** Lag in whole MB as patronictl shows it; empty for the leader, {@code unknown} when unknown. */
    String lagInMb() {
        if (lag instanceof Number n) {
            return Long.toString(Math.round(n.doubleValue() / (1024 * 1024)));
        }
        return lag == null ? "" : lag.toString();
    }

    /** Whether {@code -r/--role} selects this member: leader/primary, replica/standby, any. */
    boolean hasRole(String wanted) {
        return switch (wanted) {
            case "any" -> true;
            case "leader", "primary" -> isLeader();
            case "replica", "standby" -> !isLeader();
            default -> throw CtlException.usage("--role must be leader, primary, replica, standby or any, not " + wanted);
        };
    }
}
