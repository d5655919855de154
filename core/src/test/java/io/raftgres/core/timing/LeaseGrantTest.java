package io.raftgres.core.timing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lease arithmetic RaftLease and the simulation share. */
class LeaseGrantTest {

    @Test
    void aCommittedHeartbeatGrantsFromItsSendTimeAndNeverShortens() {
        LeaseGrant g = LeaseGrant.none(3).committed(3, 100, 1000);
        assertEquals(new LeaseGrant(3, true, 1100), g);
        assertEquals(1100, g.committed(3, 50, 1000).expiry(), "an older heartbeat committing late shortens nothing");
        assertEquals(1300, g.committed(3, 300, 1000).expiry());
    }

    @Test
    void aHeartbeatOfAnotherTermGrantsNothing() {
        assertFalse(LeaseGrant.none(3).committed(2, 100, 1000).granted());
    }

    @Test
    void validOnlyForTheLeaderOfItsTermBeforeItsEnd() {
        LeaseGrant g = LeaseGrant.none(3).committed(3, 100, 1000);
        assertTrue(g.validAt(1099, 3, true));
        assertFalse(g.validAt(1100, 3, true), "ends at send time + lease");
        assertFalse(g.validAt(500, 4, true), "a newer term");
        assertFalse(g.validAt(500, 3, false), "no longer leader");
        assertFalse(LeaseGrant.none(3).validAt(0, 3, true), "nothing committed yet");
    }

    @Test
    void survivesTheMonotonicClockWrappingAround() {
        LeaseGrant g = LeaseGrant.none(1).committed(1, Long.MAX_VALUE - 10, 100);
        assertTrue(g.validAt(Long.MAX_VALUE, 1, true));
        assertFalse(g.validAt(Long.MIN_VALUE + 90, 1, true));
    }
}
