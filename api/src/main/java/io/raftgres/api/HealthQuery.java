package io.raftgres.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * The query parameters a health check understands, parsed and validated once per request.
 * Parameters the API does not know are ignored, as Patroni ignores them; known ones are
 * validated on every health path so that a mistyped load-balancer check fails loudly (400)
 * instead of silently passing.
 *
 * @param lagBytes         {@code lag=}: largest tolerated replay lag in bytes, else null
 * @param replicationState {@code replication_state=}: required replication state, else null
 * @param tags             every {@code tag_<key>=<value>} parameter, keyed by {@code <key>}
 * @param receivedMode     {@code mode=write}: readiness measures lag on the received position
 *                         instead of the replayed one ({@code mode=apply}, the default)
 */
record HealthQuery(Long lagBytes, String replicationState, Map<String, String> tags, boolean receivedMode) {

    static final HealthQuery NONE = new HealthQuery(null, null, Map.of(), false);

    private static final String TAG_PREFIX = "tag_";

    HealthQuery {
        tags = Map.copyOf(tags);
    }

    /**
     * Parses the first value of each parameter.
     *
     * @throws InvalidQueryException when {@code lag} or {@code mode} has a value we cannot use
     */
    static HealthQuery parse(Map<String, String> parameters) {
        Long lag = null;
        String state = null;
        boolean received = false;
        Map<String, String> tags = new TreeMap<>();
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            String name = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue();
            if (name.equals("lag")) {
                lag = LagParser.parse(name, value);
            } else if (name.equals("replication_state")) {
                state = value;
            } else if (name.equals("mode")) {
                received = parseMode(value);
            } else if (name.startsWith(TAG_PREFIX) && name.length() > TAG_PREFIX.length()) {
                tags.put(name.substring(TAG_PREFIX.length()), value);
            }
        }
        return new HealthQuery(lag, state, tags, received);
    }

    private static boolean parseMode(String value) {
        return switch (value) {
            case "apply" -> false;
            case "write" -> true;
            default -> throw new InvalidQueryException("mode", value, "'apply' or 'write'");
        };
    }
}
