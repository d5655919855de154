package io.raftgres.statemachine;

import io.raftgres.core.model.Switchover;
import tools.jackson.databind.node.ObjectNode;

/** The snapshot form of {@link Switchover} (feature level 4): absent when there is none. */
final class SwitchoverJson {

    private SwitchoverJson() {
    }

    static ObjectNode write(Switchover s) {
        ObjectNode n = ModelJson.object();
        n.put("leader", s.leader());
        n.put("candidate", s.candidate());
        n.put("scheduledAtMillis", s.scheduledAtMillis());
        n.put("requestedAtMillis", s.requestedAtMillis());
        n.put("failure", s.failure());
        if (s.handover() != null) {
            ObjectNode h = n.putObject("handover");
            h.put("to", s.handover().to());
            h.put("term", s.handover().term());
            ModelJson.putLsn(h, "checkpoint", s.handover().checkpoint());
            h.put("timeline", s.handover().timeline());
            h.put("atMillis", s.handover().atMillis());
        }
        return n;
    }

    static Switchover read(JsonFields n) {
        if (n == null) {
            return null;
        }
        JsonFields h = n.optObject("handover");
        Switchover.Handover handover = h == null ? null : new Switchover.Handover(h.string("to"), h.longValue("term"),
                h.optLsn("checkpoint"), h.longValue("timeline"), h.longValue("atMillis"));
        return new Switchover(n.optString("leader"), n.optString("candidate"), n.longValue("scheduledAtMillis"),
                n.longValue("requestedAtMillis"), handover, n.optString("failure"));
    }
}
