package io.raftgres.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class WriteLogTest {

    @Test
    void longestGapSpansFailedAttemptsBetweenAcknowledgements() {
        WriteLog log = new WriteLog();
        log.add(new WriteLog.Attempt(1, 0, 10, true, "n1", null));
        log.add(new WriteLog.Attempt(2, 20, 30, true, "n1", null));
        log.add(new WriteLog.Attempt(3, 40, 2_040, false, "n1", "timeout"));
        log.add(new WriteLog.Attempt(4, 3_000, 3_300, true, "n1", null));
        assertEquals(3_270, log.longestAckGapMillis(0, 3_300));
        assertEquals(Set.of(1L, 2L, 4L), log.acknowledgedIds());
        assertEquals(3_300, log.lastAckMillis());
        assertEquals(10, log.firstAckMillisFrom("n1"));
        assertEquals(-1, log.firstAckMillisFrom("n2"));
    }

    @Test
    void gapCountsTheStretchesBeforeTheFirstAndAfterTheLastAcknowledgement() {
        WriteLog log = new WriteLog();
        log.add(new WriteLog.Attempt(1, 900, 1_000, true, "n1", null));
        log.add(new WriteLog.Attempt(2, 1_000, 1_010, true, "n1", null));
        assertEquals(1_000, log.longestAckGapMillis(0, 1_500));
        assertEquals(4_990, log.longestAckGapMillis(0, 6_000));
    }

    @Test
    void withoutAcknowledgementsTheWholeSpanIsUnavailable() {
        WriteLog log = new WriteLog();
        log.add(new WriteLog.Attempt(1, 0, 2_000, false, null, "refused"));
        assertEquals(5_000, log.longestAckGapMillis(0, 5_000));
        assertEquals(-1, log.lastAckMillis());
    }
}
