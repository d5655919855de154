package io.raftgres.pgcontrol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicationSlotsTest {

    @Test
    void slotNameLowersAndReplacesCharactersPostgresRejects() {
        assertEquals("node_1_example", PgCtlPostgresControl.slotName("Node-1.Example"));
        assertEquals("pg_u0228x", PgCtlPostgresControl.slotName("pg_äx"));
        assertEquals("au0032b", PgCtlPostgresControl.slotName("a b"));
    }

    @Test
    void slotNameIsStableOnSlotNamesAndCutTo63Characters() {
        String slot = PgCtlPostgresControl.slotName("n1");
        assertEquals(slot, PgCtlPostgresControl.slotName(slot));
        assertEquals(63, PgCtlPostgresControl.slotName("x".repeat(100)).length());
        assertTrue(ReplicationSlots.isManagedName(PgCtlPostgresControl.slotName("Some.Member-Name!")));
    }

    @Test
    void rejectsEmptyMemberAndRecognisesForeignSlotNames() {
        assertThrows(IllegalArgumentException.class, () -> PgCtlPostgresControl.slotName(""));
        assertFalse(ReplicationSlots.isManagedName("Has-Dash"));
        assertFalse(ReplicationSlots.isManagedName("a".repeat(64)));
    }
}
