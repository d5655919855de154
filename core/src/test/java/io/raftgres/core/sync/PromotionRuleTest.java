package io.raftgres.core.sync;

import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.SyncMode;
import io.raftgres.core.model.SyncState;
import io.raftgres.core.sync.PromotionRule.Refusal;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Decider table for the promotion rule under synchronous replication, one case per branch. The
 * quorum cases were shown to fail by making {@code needed} 1 (then a lone lagging voter qualifies).
 */
class PromotionRuleTest {

    private static final LeaderRecord OLD = new LeaderRecord("n1", 3, 1, Lsn.parse("0/5000000"));

    private static Optional<Refusal> check(SyncState s, String candidate, Map<String, Lsn> fresh) {
        return PromotionRule.check(s, OLD, candidate, fresh).map(PromotionRule.Verdict::refusal);
    }

    private static Map<String, Lsn> at(Object... pairs) {
        java.util.Map<String, Lsn> m = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], Lsn.parse((String) pairs[i + 1]));
        }
        return m;
    }

    @Test
    void asynchronousRestrictsNothing() {
        assertEquals(Optional.empty(), check(null, "n3", at("n3", "0/1")));
    }

    @Test
    void theFormerPrimaryAlwaysQualifies() {
        SyncState on = new SyncState("n1", 3, SyncMode.ON, List.of("n2"), 1);
        assertEquals(Optional.empty(), check(on, "n1", at("n1", "0/1")));
    }

    @Test
    void onAllowsOnlyPublishedStandbys() {
        SyncState on = new SyncState("n1", 3, SyncMode.ON, List.of("n2"), 1);
        assertEquals(Optional.empty(), check(on, "n2", at("n2", "0/1", "n3", "0/9")));
        assertEquals(Optional.of(Refusal.NOT_SYNC_STANDBY), check(on, "n3", at("n2", "0/1", "n3", "0/9")));
    }

    @Test
    void anEmptyPublishedSetAllowsNoReplica() {
        SyncState empty = new SyncState("n1", 3, SyncMode.ON, List.of(), 0);
        assertEquals(Optional.of(Refusal.NO_SYNC_STANDBY_PUBLISHED), check(empty, "n2", at("n2", "0/9")));
    }

    @Test
    void quorumNeedsEnoughFreshVotersAndTheMostAdvancedOne() {
        SyncState q1 = new SyncState("n1", 3, SyncMode.QUORUM, List.of("n2", "n3"), 1);
        assertEquals(Optional.of(Refusal.TOO_FEW_VOTERS), check(q1, "n2", at("n2", "0/5")),
                "with quorum 1 of 2 the other voter may hold a commit n2 lacks");
        assertEquals(Optional.of(Refusal.BEHIND_VOTER), check(q1, "n2", at("n2", "0/5", "n3", "0/6")));
        assertEquals(Optional.empty(), check(q1, "n3", at("n2", "0/5", "n3", "0/6")));
        assertEquals(Optional.of(Refusal.NOT_VOTER), check(q1, "n4", at("n2", "0/5", "n3", "0/6", "n4", "0/7")));
        SyncState q2 = new SyncState("n1", 3, SyncMode.QUORUM, List.of("n2", "n3"), 2);
        assertEquals(Optional.empty(), check(q2, "n2", at("n2", "0/5")), "quorum 2 of 2: every voter has it all");
    }
}
