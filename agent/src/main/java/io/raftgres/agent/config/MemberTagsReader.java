package io.raftgres.agent.config;

import io.raftgres.core.model.MemberTags;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code tags} section into core's {@link MemberTags}. The four known tags are
 * typed; every other key is a custom tag, published for {@code tag_<key>=<value>} health
 * checks, and must be a scalar.
 *
 * <p>Like Patroni's validator, {@code nofailover} and {@code failover_priority} must not
 * contradict each other: {@code failover_priority: 0} already means "never fail over here".
 * Patroni only warns; raftgres refuses, since guessing which one the operator meant decides
 * whether a member may become primary.
 */
final class MemberTagsReader {
    static final List<String> KNOWN = List.of("nofailover", "failover_priority", "noloadbalance", "nosync");

    private MemberTagsReader() {
    }

    static MemberTags read(YamlSection s) {
        int before = s.problems().count();
        MemberTags d = MemberTags.DEFAULT;
        Boolean nofailover = s.bool("nofailover", d.nofailover());
        Long priority = s.integer("failover_priority", d.failoverPriority(), 0, Integer.MAX_VALUE);
        Boolean noloadbalance = s.bool("noloadbalance", d.noloadbalance());
        Boolean nosync = s.bool("nosync", d.nosync());
        if (nofailover != null && priority != null && s.has("nofailover") && s.has("failover_priority")
                && (nofailover ? priority > 0 : priority <= 0)) {
            s.problem("failover_priority", "contradicts nofailover: " + nofailover + " (failover_priority " + priority
                    + (nofailover ? " allows" : " forbids") + " failover); set only one of the two tags");
        }
        Map<String, String> custom = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : s.entries().entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                s.problem(String.valueOf(entry.getKey()), "tag names must be text, found "
                        + YamlSection.describe(entry.getKey()));
            } else if (!KNOWN.contains(key)) {
                Object value = entry.getValue();
                if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                    custom.put(key, value.toString());
                } else {
                    s.problem(key, "custom tags must be a single value (text, number or boolean), found "
                            + YamlSection.describe(value));
                }
            }
        }
        return s.problems().count() == before
                ? new MemberTags(nofailover, priority.intValue(), noloadbalance, nosync, custom)
                : null;
    }
}
