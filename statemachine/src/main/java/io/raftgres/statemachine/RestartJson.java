package io.raftgres.statemachine;

import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.ScheduledRestart;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON form of {@link ScheduledRestart} (feature level 6), in a command and in the snapshot's
 * optional {@code restarts} object (member name to restart; absent when none). Only
 * {@code scheduleMillis} is required; the conditions default to "any".
 */
final class RestartJson {

    private RestartJson() {
    }

    static ObjectNode write(ScheduledRestart r) {
        ObjectNode n = ModelJson.object();
        n.put("scheduleMillis", r.scheduleMillis());
        n.put("restartPending", r.restartPending());
        n.put("role", r.role() == null ? null : r.role().name());
        n.put("postgresVersion", r.postgresVersion());
        n.put("timeoutSeconds", r.timeoutSeconds());
        n.put("requestedAtMillis", r.requestedAtMillis());
        return n;
    }

    static ScheduledRestart read(JsonFields f) {
        return new ScheduledRestart(f.longValue("scheduleMillis"), f.optBool("restartPending", false),
                f.optEnum("role", PgRole.class), f.optInt("postgresVersion", 0), f.longValue("timeoutSeconds", 0),
                f.longValue("requestedAtMillis", 0));
    }

    static SortedMap<String, ScheduledRestart> readAll(JsonFields restarts) {
        SortedMap<String, ScheduledRestart> result = new TreeMap<>();
        if (restarts != null) {
            for (String name : restarts.names()) {
                result.put(name, read(restarts.object(name)));
            }
        }
        return result;
    }
}
