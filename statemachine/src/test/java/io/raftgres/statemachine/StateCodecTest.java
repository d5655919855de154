package io.raftgres.statemachine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.TimelineSwitch;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateCodecTest {

    static ClusterState richState() {
        return ClusterState.empty("demo")
                .withSystemId("7291234567890123456")
                .withLeader(new LeaderRecord("n1", 4, 3, Lsn.parse("0/5000A28")))
                .withMember(CommandSamples.member("n1", 3, Lsn.parse("0/5000A28")))
                .withMember(CommandSamples.member("n2", 3, Lsn.parse("0/5000000")).withTerm(4))
                .withConfig(CommandSamples.config(1500).withVersion(3))
                .withHistory(new TimelineSwitch(2, Lsn.parse("0/3000060"), "failover", 1_700_000_000_000L, "n2"))
                .withHistory(new TimelineSwitch(4, Lsn.parse("0/4000000"), "switchover", 1_700_000_100_000L, "n1", 2))
                .withPaused(true)
                .withScheduledRestart("n2", CommandSamples.scheduledRestart())
                .withFeatureLevel(2);
    }

    /** A snapshot written before feature levels reads as level 1. */
    @Test
    void aSnapshotWithoutAFeatureLevelReadsAsLevelOne() {
        String json = new String(StateCodec.encode(richState(), 4, 1042), StandardCharsets.UTF_8);
        String old = json.replace(",\"featureLevel\":2", "");
        assertTrue(!old.contains("featureLevel"), old);
        assertEquals(1, StateCodec.decode(old.getBytes(StandardCharsets.UTF_8)).state().featureLevel());
    }

    @Test
    void snapshotRoundTripsWithItsPosition() {
        ClusterState state = richState();
        StateCodec.Snapshot snapshot = StateCodec.decode(StateCodec.encode(state, 4, 1042));
        assertEquals(state, snapshot.state());
        assertEquals(4, snapshot.term());
        assertEquals(1042, snapshot.index());
    }

    /** Snapshots written before a switch recorded its ended timeline read it as the one before. */
    @Test
    void historyWithoutEndedTimelineReadsTheTimelineBefore() {
        String json = new String(StateCodec.encode(richState(), 4, 1042), StandardCharsets.UTF_8);
        assertTrue(json.contains(",\"endedTimeline\":2}"), json);
        String older = json.replace(",\"endedTimeline\":2}", "}").replace(",\"endedTimeline\":1}", "}");
        var history = StateCodec.decode(older.getBytes(StandardCharsets.UTF_8)).state().history();
        assertEquals(1, history.get(0).endedTimeline());
        assertEquals(3, history.get(1).endedTimeline());
    }

    @Test
    void emptyStateRoundTrips() {
        ClusterState state = ClusterState.empty("demo");
        assertEquals(state, StateCodec.decode(StateCodec.encode(state, 0, 0)).state());
    }

    @Test
    void equalStatesBuiltInDifferentOrderGiveIdenticalBytes() {
        Map<String, String> forward = new LinkedHashMap<>();
        Map<String, String> backward = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            forward.put("p" + i, "v" + i);
            backward.put("p" + (19 - i), "v" + (19 - i));
        }
        DynamicConfig a = new DynamicConfig(1000, 1, 2, true, true, forward, 5);
        DynamicConfig b = new DynamicConfig(1000, 1, 2, true, true, backward, 5);
        ClusterState one = ClusterState.empty("demo").withConfig(a)
                .withMember(CommandSamples.member("n1", 1, Lsn.ZERO))
                .withMember(CommandSamples.member("n3", 1, Lsn.ZERO));
        ClusterState two = ClusterState.empty("demo").withConfig(b)
                .withMember(CommandSamples.member("n3", 1, Lsn.ZERO))
                .withMember(CommandSamples.member("n1", 1, Lsn.ZERO));
        assertArrayEquals(StateCodec.encode(one, 2, 9), StateCodec.encode(two, 2, 9));
        String json = new String(StateCodec.encode(one, 2, 9), StandardCharsets.UTF_8);
        assertTrue(json.indexOf("\"p10\"") < json.indexOf("\"p2\""), "parameters sorted by key");
    }

    @Test
    void rejectsUnknownVersionNamingIt() {
        var e = assertThrows(IllegalArgumentException.class, () -> StateCodec.decode(
                "{\"v\":9,\"term\":1,\"index\":1,\"state\":{}}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
    }

    @Test
    void rejectsDuplicateMembersAndMissingFields() {
        String json = new String(StateCodec.encode(richState(), 1, 1), StandardCharsets.UTF_8);
        String duplicated = json.replace("\"name\":\"n2\"", "\"name\":\"n1\"");
        var dup = assertThrows(IllegalArgumentException.class,
                () -> StateCodec.decode(duplicated.getBytes(StandardCharsets.UTF_8)));
        assertTrue(dup.getMessage().contains("duplicate member 'n1'"), dup.getMessage());
        String noScope = json.replace("\"scope\":\"demo\",", "");
        var missing = assertThrows(IllegalArgumentException.class,
                () -> StateCodec.decode(noScope.getBytes(StandardCharsets.UTF_8)));
        assertTrue(missing.getMessage().contains("'scope'"), missing.getMessage());
        assertNotNull(StateCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
    }
}
