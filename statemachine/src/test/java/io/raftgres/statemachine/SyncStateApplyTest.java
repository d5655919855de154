package io.raftgres.statemachine;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.SyncMode;
import io.raftgres.core.model.SyncSettings;
import io.raftgres.core.model.SyncState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SetSyncState and the synchronous config keys at apply, gated by feature level 5. */
class SyncStateApplyTest {

    private static final SyncState ON = new SyncState("n1", 4, SyncMode.ON, List.of("n2"), 1);

    private static ClusterState at(int level) {
        return ClusterState.empty("demo").withLeader(new LeaderRecord("n1", 4, 1, Lsn.ZERO)).withFeatureLevel(level);
    }

    @Test
    void onlyTheLeaderKeyHolderOfItsTermPublishesFromLevelFive() {
        assertFalse(ClusterStateMachine.apply(at(3), new Command.SetSyncState("n1", 4, ON), 4).accepted());
        ApplyResult ok = ClusterStateMachine.apply(at(FeatureLevel.SYNC_REPLICATION),
                new Command.SetSyncState("n1", 4, ON), 4);
        assertTrue(ok.accepted());
        assertEquals(ON, ok.state().sync());
        assertFalse(ClusterStateMachine.apply(at(5), new Command.SetSyncState("n2", 4,
                new SyncState("n2", 4, SyncMode.ON, List.of(), 0)), 4).accepted(), "n2 holds no leader key");
        assertFalse(ClusterStateMachine.apply(at(5), new Command.SetSyncState("n1", 4,
                new SyncState("n1", 3, SyncMode.ON, List.of(), 0)), 4).accepted(), "state of another term");
        ApplyResult cleared = ClusterStateMachine.apply(ok.state(), new Command.SetSyncState("n1", 4, null), 4);
        assertNull(cleared.state().sync());
    }

    @Test
    void synchronousKeysAreDroppedBelowLevelFive() {
        var config = at(3).config().withSync(new SyncSettings(SyncMode.QUORUM, true, 2));
        ApplyResult old = ClusterStateMachine.apply(at(3), new Command.SetConfig("n1", 4, config, -1), 4);
        assertEquals(SyncSettings.OFF, old.state().config().sync());
        ApplyResult now = ClusterStateMachine.apply(at(5), new Command.SetConfig("n1", 4, config, -1), 4);
        assertEquals(SyncMode.QUORUM, now.state().config().sync().mode());
    }

    @Test
    void snapshotsCarryTheSyncState() {
        ClusterState s = at(5).withSync(ON).withConfig(at(5).config().withSync(new SyncSettings(SyncMode.ON, true, 1)));
        ClusterState back = StateCodec.decode(StateCodec.encode(s, 4, 10)).state();
        assertEquals(ON, back.sync());
        assertEquals(s.config().sync(), back.config().sync());
    }
}
