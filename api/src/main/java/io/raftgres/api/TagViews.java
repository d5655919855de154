package io.raftgres.api;

import io.raftgres.core.model.MemberTags;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The two ways the API shows a member's tags. Stateless. */
final class TagViews {

    private TagViews() {
    }

    /**
     * Every tag as text, for {@code tag_<key>=<value>} matching: the custom tags plus
     * {@code nofailover}, {@code noloadbalance}, {@code nosync} ("true"/"false") and
     * {@code failover_priority}, which always have a value.
     */
    static Map<String, String> forMatching(MemberTags tags) {
        Map<String, String> all = new TreeMap<>(tags.custom());
        all.put("nofailover", Boolean.toString(tags.nofailover()));
        all.put("noloadbalance", Boolean.toString(tags.noloadbalance()));
        all.put("nosync", Boolean.toString(tags.nosync()));
        all.put("failover_priority", Integer.toString(tags.failoverPriority()));
        return all;
    }

    /**
     * The tags a Patroni config would have listed: flags only when set, the priority only
     * when it differs from the default, then the custom tags. Empty when nothing is set.
     */
    static Map<String, Object> forJson(MemberTags tags) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (tags.nofailover()) {
            json.put("nofailover", true);
        }
        if (tags.noloadbalance()) {
            json.put("noloadbalance", true);
        }
        if (tags.nosync()) {
            json.put("nosync", true);
        }
        if (tags.failoverPriority() != MemberTags.DEFAULT.failoverPriority()) {
            json.put("failover_priority", tags.failoverPriority());
        }
        json.putAll(new TreeMap<>(tags.custom()));
        return json;
    }
}
