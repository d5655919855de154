package io.raftgres.core.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * Patroni-style member tags. {@code nofailover} (or a failover priority of 0 or less) keeps
 * a member from ever being promoted automatically; {@code failoverPriority} breaks ties
 * between candidates with the same received WAL position (higher wins). {@code custom}
 * holds every other tag, for {@code tag_<key>=<value>} health checks.
 */
public record MemberTags(boolean nofailover, int failoverPriority, boolean noloadbalance, boolean nosync,
                         Map<String, String> custom) {
    public static final MemberTags DEFAULT = new MemberTags(false, 1, false, false, Map.of());

    public MemberTags {
        custom = Map.copyOf(new TreeMap<>(custom));
    }

    /** Whether automatic failover may ever pick this member. */
    public boolean canFailover() {
        return !nofailover && failoverPriority > 0;
    }
}
