package io.raftgres.pgcontrol;

import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.Lsn;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ControlDataTest {

    private static final String OUTPUT = """
            pg_control version number:            1300
            Catalog version number:               202209061
            Database system identifier:           7710765495556751825
            Database cluster state:               shut down in recovery
            pg_control last modified:             Sat Nov 21 23:08:14 2026
            Latest checkpoint location:           0/3022548
            Latest checkpoint's REDO location:    0/3022510
            Latest checkpoint's TimeLineID:       2
            Latest checkpoint's PrevTimeLineID:   1
            Minimum recovery ending location:     0/3024988
            Min recovery ending loc's timeline:   3
            """;

    @Test
    void parsesIdentifierStateTimelineAndCheckpoint() {
        ControlData data = ControlData.parse(OUTPUT);
        assertEquals("7710765495556751825", data.systemId());
        assertEquals(ControlState.SHUT_DOWN_IN_RECOVERY, data.state());
        assertEquals(2, data.checkpointTimeline());
        assertEquals(Lsn.parse("0/3022548"), data.checkpointLsn());
        assertEquals(3, data.minRecoveryTimeline());
        assertEquals(Lsn.parse("0/3024988"), data.minRecoveryLsn());
    }

    @Test
    void stoppedStandbyIsWhereItsMinimumRecoveryPointIs() {
        ControlData data = ControlData.parse(OUTPUT);
        assertEquals(3, data.timeline());
        assertEquals(Lsn.parse("0/3024988"), data.position());
    }

    @Test
    void stoppedPrimaryIsAtItsCheckpoint() {
        ControlData data = ControlData.parse(OUTPUT.replace("0/3024988", "0/0").replace("timeline:   3", "timeline:   0"));
        assertEquals(2, data.timeline());
        assertEquals(Lsn.parse("0/3022548"), data.position());
    }

    @Test
    void unreadableFieldsBecomeAbsentValues() {
        ControlData data = ControlData.parse("Database cluster state: exploding\nLatest checkpoint location: nope\n"
                + "Latest checkpoint's TimeLineID: x\n");
        assertEquals(ControlData.NONE, data);
    }
}
