package io.raftgres.statemachine;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.TimelineSwitch;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The snapshot format: versioned JSON holding a {@link ClusterState} and the Raft term and
 * index of the last entry it includes, e.g. {@code {"v":1,"term":7,"index":1042,"state":{...}}}.
 * Output is deterministic: fields in a fixed order, members sorted by name, maps sorted by
 * key, so identical states taken at the same position always give identical bytes (replicas
 * can compare snapshots byte for byte).
 *
 * <p>Fields added after version 1 are optional with the old meaning as default
 * ({@code featureLevel}: 1), and unknown fields are ignored, so a snapshot stays readable across
 * builds; what a build may apply is governed by the replicated feature level.
 *
 * <p>{@link #decode} throws {@link IllegalArgumentException} naming an unknown version or the
 * missing or malformed field. Stateless; safe from any thread.
 */
public final class StateCodec {

    /** The format version written by {@link #encode}; the only one {@link #decode} accepts. */
    public static final int VERSION = 1;

    /** A decoded snapshot: the state after applying every entry up to {@code index}. */
    public record Snapshot(ClusterState state, long term, long index) {
    }

    private StateCodec() {
    }

    public static byte[] encode(ClusterState state, long term, long index) {
        ObjectNode root = ModelJson.object();
        root.put("v", VERSION);
        root.put("term", term);
        root.put("index", index);
        ObjectNode s = root.putObject("state");
        s.put("scope", state.scope());
        s.put("systemId", state.systemId());
        s.put("initializer", state.initializer());
        s.put("initTerm", state.initTerm());
        if (state.leader() == null) {
            s.putNull("leader");
        } else {
            s.set("leader", ModelJson.leader(state.leader()));
        }
        ArrayNode members = s.putArray("members");
        state.members().values().forEach(m -> members.add(ModelJson.member(m)));
        s.set("config", ModelJson.config(state.config()));
        ArrayNode history = s.putArray("history");
        state.history().forEach(h -> history.add(ModelJson.timelineSwitch(h)));
        s.put("paused", state.paused());
        s.put("featureLevel", state.featureLevel());
        if (state.switchover() != null) {
            s.set("switchover", SwitchoverJson.write(state.switchover()));
        }
        if (state.sync() != null) {
            s.set("sync", ModelJson.syncState(state.sync()));
        }
        if (!state.restarts().isEmpty()) {
            ObjectNode restarts = s.putObject("restarts");
            state.restarts().forEach((name, r) -> restarts.set(name, RestartJson.write(r)));
        }
        return CommandCodec.MAPPER.writeValueAsBytes(root);
    }

    public static Snapshot decode(byte[] bytes) {
        JsonFields root = new JsonFields(CommandCodec.parse(bytes, "snapshot"), "snapshot");
        long version = root.longValue("v");
        if (version != VERSION) {
            throw new IllegalArgumentException("unsupported snapshot format version " + version
                    + " (this build reads version " + VERSION + ")");
        }
        JsonFields s = root.object("state");
        JsonFields leaderFields = s.optObject("leader");
        LeaderRecord leader = leaderFields == null ? null : ModelJson.leader(leaderFields);
        SortedMap<String, MemberRecord> members = new TreeMap<>();
        for (JsonFields m : s.objects("members")) {
            MemberRecord record = ModelJson.member(m);
            if (members.put(record.name(), record) != null) {
                throw new IllegalArgumentException(m.context() + ": duplicate member '" + record.name() + "'");
            }
        }
        List<TimelineSwitch> history = new ArrayList<>();
        for (JsonFields h : s.objects("history")) {
            history.add(ModelJson.timelineSwitch(h));
        }
        DynamicConfig config = ModelJson.config(s.object("config"));
        // "paused" is written for readers of the snapshot; the config's pause key is the source of truth.
        ClusterState state = new ClusterState(s.string("scope"), s.optString("systemId"), s.optString("initializer"),
                s.longValue("initTerm"), leader, members, config, history, config.pause(),
                s.optInt("featureLevel", FeatureLevel.BASELINE), SwitchoverJson.read(s.optObject("switchover")),
                s.optObject("sync") == null ? null : ModelJson.syncState(s.object("sync")),
                RestartJson.readAll(s.optObject("restarts")));
        return new Snapshot(state, root.longValue("term"), root.longValue("index"));
    }
}
