package io.raftgres.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcceptancesTest {

    @Test
    void cleanHandoverIsNotSplitBrain() {
        List<Acceptances.Accepted> records = new ArrayList<>();
        every100ms(records, "n1", 0, 0, 5_000);
        every100ms(records, "n2", 0, 8_000, 12_000);
        Acceptances a = new Acceptances(records);
        assertFalse(a.splitBrain());
        assertEquals(1, a.writerChanges());
        assertEquals(List.of("n1", "n2"), a.acceptingMembers());
    }

    @Test
    void staleWriteOfAnUnfrozenOldPrimaryIsSplitBrain() {
        List<Acceptances.Accepted> records = new ArrayList<>();
        every100ms(records, "n1", 0, 0, 5_000);
        every100ms(records, "n2", 0, 8_000, 40_000);
        records.add(new Acceptances.Accepted("n1", 0, 35_000, 35_020)); // accepted after unpause
        Acceptances a = new Acceptances(records);
        assertTrue(a.splitBrain());
        Acceptances.Overlap o = a.overlaps().getFirst();
        assertEquals("n1/n2", o.first() + "/" + o.second());
        assertEquals(3, a.writerChanges());
    }

    @Test
    void acknowledgementsDelayedAcrossTheHandoverAreNotSplitBrain() {
        // n1's last write was sent before n2's first was acknowledged, but acknowledged after it:
        // the commits may well be ordered, so nothing is proven.
        List<Acceptances.Accepted> records = new ArrayList<>(List.of(
                new Acceptances.Accepted("n1", 0, 1_000, 1_010),
                new Acceptances.Accepted("n1", 0, 2_000, 2_500),
                new Acceptances.Accepted("n2", 0, 2_100, 2_200),
                new Acceptances.Accepted("n2", 0, 3_000, 3_010)));
        assertFalse(new Acceptances(records).splitBrain());
    }

    @Test
    void handBackInANewPhaseIsNotSplitBrainButInTheSamePhaseItIs() {
        List<Acceptances.Accepted> samePhase = new ArrayList<>();
        every100ms(samePhase, "n1", 0, 0, 2_000);
        every100ms(samePhase, "n2", 0, 3_000, 5_000);
        every100ms(samePhase, "n1", 0, 6_000, 8_000);
        assertTrue(new Acceptances(samePhase).splitBrain());

        List<Acceptances.Accepted> phased = new ArrayList<>();
        every100ms(phased, "n1", 0, 0, 2_000);
        every100ms(phased, "n2", 0, 3_000, 5_000);
        every100ms(phased, "n1", 1, 6_000, 8_000);
        assertFalse(new Acceptances(phased).splitBrain());
    }

    private static void every100ms(List<Acceptances.Accepted> into, String member, int phase, long from, long to) {
        for (long t = from; t <= to; t += 100) {
            into.add(new Acceptances.Accepted(member, phase, t, t + 5));
        }
    }
}
