package io.raftgres.core.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PriorContactRuleTest {

    @Test
    void anUnchangedLogFollowedOnlyByTheLeadersOwnEntriesProvesTheContact() {
        assertEquals(OptionalLong.of(1234), PriorContactRule.proven(4, 100, 4, 5, 5, 1234));
        assertEquals(OptionalLong.of(1234), PriorContactRule.proven(4, 100, 4, -1, 5, 1234));
        assertEquals(OptionalLong.of(1234), PriorContactRule.proven(4, 100, 4, 7, 7, 1234), "split rounds in between");
    }

    @Test
    void anEntryThatArrivedAfterTheCampaignProvesNothing() {
        assertTrue(PriorContactRule.proven(4, 100, 4, 4, 5, 1234).isEmpty(), "more entries of the old term");
        assertTrue(PriorContactRule.proven(4, 100, 4, 6, 7, 1234).isEmpty(), "entries of an intermediate leader");
        assertTrue(PriorContactRule.proven(4, 100, 6, 7, 7, 1234).isEmpty(), "the entry was replaced");
        assertTrue(PriorContactRule.proven(4, 100, -1, -1, 5, 1234).isEmpty(), "purged or truncated");
    }

    @Test
    void noCampaignOrACampaignInTheSameTermProvesNothing() {
        assertTrue(PriorContactRule.proven(-1, -1, -1, 5, 5, 1234).isEmpty(), "empty log at the campaign");
        assertTrue(PriorContactRule.proven(5, 100, 5, -1, 5, 1234).isEmpty(), "campaign record from this very term");
    }
}
