package io.raftgres.statemachine;

import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.SyncMode;
import io.raftgres.core.model.SyncSettings;
import io.raftgres.core.model.SyncState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.PendingChange;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.TimelineSwitch;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON form of the core model values that travel inside commands and snapshots. Written
 * field by field (never by reflection) so that adding a helper method to a core record cannot
 * silently change the replicated format; fields appear in a fixed order and maps are sorted by
 * key, so equal values always give equal bytes. Stateless; safe from any thread.
 */
final class ModelJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ModelJson() {
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static void putLsn(ObjectNode target, String field, Lsn lsn) {
        if (lsn == null) {
            target.putNull(field);
        } else {
            target.put(field, lsn.toString());
        }
    }

    static void putStringMap(ObjectNode target, String field, Map<String, String> map) {
        ObjectNode node = target.putObject(field);
        new TreeMap<>(map).forEach(node::put);
    }

    static ObjectNode member(MemberRecord m) {
        ObjectNode n = object();
        n.put("name", m.name());
        n.put("apiUrl", m.apiUrl());
        n.put("raftAddress", m.raftAddress());
        n.put("pgHost", m.pgHost());
        n.put("pgPort", m.pgPort());
        n.put("role", m.role() == null ? null : m.role().name());
        n.put("state", m.state());
        n.put("timeline", m.timeline());
        putLsn(n, "receiveLsn", m.receiveLsn());
        putLsn(n, "replayLsn", m.replayLsn());
        n.put("streaming", m.streaming());
        if (m.tags() == null) {
            n.putNull("tags");
        } else {
            n.set("tags", tags(m.tags()));
        }
        n.put("canBootstrap", m.canBootstrap());
        n.put("watchdogFailed", m.watchdogFailed());
        n.put("version", m.version());
        n.put("term", m.term());
        n.put("updatedAtMillis", m.updatedAtMillis());
        n.put("maxFeatureLevel", m.maxFeatureLevel());
        if (!m.pendingRestart().isEmpty()) {
            ObjectNode pending = n.putObject("pendingRestart");
            m.pendingRestart().forEach((name, change) -> {
                ObjectNode c = pending.putObject(name);
                c.put("old", change.oldValue());
                c.put("new", change.newValue());
            });
        }
        if (m.upstream() != null) {
            n.put("upstream", m.upstream());
        }
        return n;
    }

    /** Absent in records written before the field existed, and when nothing is pending. */
    private static SortedMap<String, PendingChange> pendingRestart(JsonFields f) {
        SortedMap<String, PendingChange> out = new TreeMap<>();
        JsonFields pending = f.optObject("pendingRestart");
        if (pending != null) {
            for (String name : pending.names()) {
                JsonFields c = pending.object(name);
                out.put(name, new PendingChange(c.optString("old"), c.optString("new")));
            }
        }
        return out;
    }

    static MemberRecord member(JsonFields f) {
        JsonFields tags = f.optObject("tags");
        return new MemberRecord(f.string("name"), f.optString("apiUrl"), f.optString("raftAddress"),
                f.optString("pgHost"), f.intValue("pgPort"), f.optEnum("role", PgRole.class), f.optString("state"),
                f.longValue("timeline"), f.optLsn("receiveLsn"), f.optLsn("replayLsn"), f.bool("streaming"),
                tags == null ? null : tags(tags), f.bool("canBootstrap"), f.bool("watchdogFailed"),
                f.optString("version"), f.longValue("term"), f.longValue("updatedAtMillis"),
                f.optInt("maxFeatureLevel", FeatureLevel.BASELINE), pendingRestart(f), f.optString("upstream"));
    }

    static ObjectNode tags(MemberTags t) {
        ObjectNode n = object();
        n.put("nofailover", t.nofailover());
        n.put("failoverPriority", t.failoverPriority());
        n.put("noloadbalance", t.noloadbalance());
        n.put("nosync", t.nosync());
        putStringMap(n, "custom", t.custom());
        return n;
    }

    static MemberTags tags(JsonFields f) {
        return new MemberTags(f.bool("nofailover"), f.intValue("failoverPriority"), f.bool("noloadbalance"),
                f.bool("nosync"), f.stringMap("custom"));
    }

    static ObjectNode config(DynamicConfig c) {
        ObjectNode n = object();
        n.put("loopWaitMillis", c.loopWaitMillis());
        n.put("maximumLagOnFailover", c.maximumLagOnFailover());
        n.put("primaryStartTimeoutMillis", c.primaryStartTimeoutMillis());
        n.put("usePgRewind", c.usePgRewind());
        n.put("useSlots", c.useSlots());
        putStringMap(n, "parameters", c.parameters());
        if (c.pause()) { // absent when false: the format of builds before feature level 3
            n.put("pause", true);
        }
        n.put("version", c.version());
        if (c.sync().enabled() || c.sync().strict() || c.sync().nodeCount() != 1) { // absent: off (before level 5)
            ObjectNode sync = n.putObject("sync");
            sync.put("mode", c.sync().mode().text());
            sync.put("strict", c.sync().strict());
            sync.put("nodeCount", c.sync().nodeCount());
        }
        return n;
    }

    static DynamicConfig config(JsonFields f) {
        return new DynamicConfig(f.longValue("loopWaitMillis"), f.longValue("maximumLagOnFailover"),
                f.longValue("primaryStartTimeoutMillis"), f.bool("usePgRewind"), f.bool("useSlots"),
                f.stringMap("parameters"), f.optBool("pause", false), f.longValue("version"), sync(f.optObject("sync")));
    }

    private static SyncSettings sync(JsonFields f) {
        if (f == null) {
            return SyncSettings.OFF;
        }
        String mode = f.string("mode");
        SyncMode parsed = SyncMode.parse(mode).orElseThrow(() ->
                new IllegalArgumentException(f.context() + ": unknown synchronous mode '" + mode + "'"));
        return new SyncSettings(parsed, f.optBool("strict", false), f.optInt("nodeCount", 1));
    }

    static ObjectNode syncState(SyncState s) {
        ObjectNode n = object();
        n.put("primary", s.primary());
        n.put("term", s.term());
        n.put("mode", s.mode().text());
        s.members().forEach(n.putArray("members")::add);
        n.put("quorum", s.quorum());
        return n;
    }

    static SyncState syncState(JsonFields f) {
        String mode = f.string("mode");
        SyncMode parsed = SyncMode.parse(mode).orElseThrow(() ->
                new IllegalArgumentException(f.context() + ": unknown synchronous mode '" + mode + "'"));
        return new SyncState(f.string("primary"), f.longValue("term"), parsed, f.strings("members"),
                f.intValue("quorum"));
    }

    static ObjectNode leader(LeaderRecord l) {
        ObjectNode n = object();
        n.put("member", l.member());
        n.put("term", l.term());
        n.put("timeline", l.timeline());
        putLsn(n, "optime", l.optime());
        if (l.timelineCeiling() > 0) {
            // Set only from feature level 9 on; a build before it never sees it.
            n.put("timelineCeiling", l.timelineCeiling());
        }
        return n;
    }

    static LeaderRecord leader(JsonFields f) {
        return new LeaderRecord(f.string("member"), f.longValue("term"), f.longValue("timeline"), f.optLsn("optime"),
                f.longValue("timelineCeiling", 0));
    }

    static ObjectNode timelineSwitch(TimelineSwitch s) {
        ObjectNode n = object();
        n.put("timeline", s.timeline());
        putLsn(n, "switchLsn", s.switchLsn());
        n.put("reason", s.reason());
        n.put("atMillis", s.atMillis());
        n.put("newLeader", s.newLeader());
        n.put("endedTimeline", s.endedTimeline());
        if (s.term() > 0) {
            // Written only from feature level 7 on; a build before it never sees it.
            n.put("term", s.term());
        }
        return n;
    }

    static TimelineSwitch timelineSwitch(JsonFields f) {
        long timeline = f.longValue("timeline");
        // Absent in snapshots written before the field existed: the timeline before.
        return new TimelineSwitch(timeline, f.optLsn("switchLsn"), f.optString("reason"),
                f.longValue("atMillis"), f.optString("newLeader"), f.longValue("endedTimeline", timeline - 1),
                f.longValue("term", 0));
    }
}
