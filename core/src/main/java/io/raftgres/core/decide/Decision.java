package io.raftgres.core.decide;

import java.util.List;

/**
 * The outcome of one HA cycle: the actions to run in order, the reason, one sentence for the
 * log (Patroni style: "no action: I am n2, a replica following n1"), and when to look again.
 */
public record Decision(List<HaAction> actions, Reason reason, String summary, long recheckInMillis) {

    public Decision {
        actions = List.copyOf(actions);
    }

    public static Decision of(Reason reason, String summary, HaAction... actions) {
        return new Decision(List.of(actions), reason, summary, -1);
    }

    /** This decision preceded by {@code action}, with {@code why} added to the sentence. */
    public Decision startingWith(HaAction action, String why) {
        List<HaAction> more = new java.util.ArrayList<>();
        more.add(action);
        more.addAll(actions);
        return new Decision(more, reason, summary + "; " + why, recheckInMillis);
    }

    public boolean has(Class<? extends HaAction> type) {
        return actions.stream().anyMatch(type::isInstance);
    }
}
