package io.raftgres.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftgres.core.model.SyncMode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which rendered lists make PostgreSQL wait for the lease gate on every commit. */
class StandbyNamesGateTest {

    private static boolean requires(String text) {
        Optional<StandbyNames> parsed = StandbyNames.parse(text);
        return parsed.map(StandbyNames::requiresGate).orElse(false);
    }

    @Test
    void theGateAloneAndSynchronousModeOnRequireIt() {
        assertTrue(requires("FIRST 1 (raftgres_gate)"));
        assertTrue(requires(new StandbyNames(SyncMode.ON, List.of("n3"), 1, true).render()));
        assertEquals("FIRST 2 (raftgres_gate, n3)", new StandbyNames(SyncMode.ON, List.of("n3"), 1, true).render());
        assertTrue(requires("FIRST 3 (raftgres_gate, n2, n3)"));
    }

    @Test
    void aQuorumTheReplicasCanReachAloneDoesNotRequireIt() {
        assertFalse(requires("ANY 2 (raftgres_gate, n2, n3)"));
        assertTrue(requires("ANY 2 (raftgres_gate, n3)"), "one voter: the gate and it");
        assertTrue(requires("ANY 3 (raftgres_gate, n2, n3)"), "both voters and the gate");
    }

    @Test
    void listsWithoutTheGateOrNotOursDoNotRequireIt() {
        assertFalse(requires(""));
        assertFalse(requires("FIRST 1 (n3)"));
        assertFalse(requires("FIRST 1 (raftgres_no_sync_standby)"));
        assertFalse(requires("n2, n3"), "not a list raftgres renders");
        assertFalse(requires("FIRST 1 (n3, raftgres_gate)"), "the gate not first: not ours");
    }
}
