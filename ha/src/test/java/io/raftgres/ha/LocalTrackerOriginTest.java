package io.raftgres.ha;

import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.TimelineOrigin;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The tracker merges the kept origin of the data directory's timeline into every probe. */
class LocalTrackerOriginTest {

    @Test
    void theOriginKeptWithTheDataDirectoryReachesTheDeciderAcrossAgentRestarts() {
        OriginMarker disk = OriginMarker.inMemory();
        LocalTracker first = new LocalTracker(() -> false, disk);
        assertNull(first.merge(LocalPgState.empty(), 0).timelineOrigin());
        first.timelineMadeBy(new TimelineOrigin(3, "n1", 9));
        LocalTracker restarted = new LocalTracker(() -> false, disk);
        assertEquals(new TimelineOrigin(3, "n1", 9), restarted.merge(LocalPgState.empty(), 0).timelineOrigin());
        restarted.dataReplaced();
        assertNull(restarted.merge(LocalPgState.empty(), 0).timelineOrigin());
    }
}
