package io.raftgres.core.decide;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.ClusterView;
import io.raftgres.core.model.PgRole;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.raftgres.core.decide.Fixtures.TERM;
import static io.raftgres.core.decide.Fixtures.cluster;
import static io.raftgres.core.decide.Fixtures.decider;
import static io.raftgres.core.decide.Fixtures.leaderWithoutLease;
import static io.raftgres.core.decide.Fixtures.member;
import static io.raftgres.core.decide.Fixtures.primary;
import static io.raftgres.core.decide.Fixtures.replicaRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The HA loop's side of a gated lapse: while the lapse rule says the lease gate alone holds the lapse, the
 * decider leaves PostgreSQL and the VIP alone, in maintenance mode too (the lease guard fences at the
 * rule's deadline); without that flag a lapse fences as before. Shown to fail with the flag ignored in
 * {@code HaDecider} (both gated cases then return FENCE_LEASE_LOST).
 */
class GatedLapseDecisionTest {

    private static final ClusterState STEADY = cluster("n1", TERM, member("n1", PgRole.PRIMARY, "running", 1, 5000, TERM),
            replicaRecord("n2", 5000), replicaRecord("n3", 5000));

    @Test
    void aGatedLapseStopsNothing() {
        Decision d = decider("n1").decide(new ClusterView(STEADY, leaderWithoutLease("n1"), Set.of(), 0, true),
                primary(1, 5000), 10_000);
        assertEquals(Reason.GATE_HOLDS_LAPSE, d.reason());
        assertEquals(List.of(), d.actions());
        assertEquals("no action: my leader lease lapsed (term 7); the lease gate holds every commit until the lease"
                + " returns or the lease guard fences", d.summary());
    }

    @Test
    void aGatedLapseStopsNothingInMaintenanceModeEither() {
        Decision d = decider("n1").decide(new ClusterView(STEADY.withPaused(true), leaderWithoutLease("n1"), Set.of(),
                0, true), primary(1, 5000), 10_000);
        assertEquals(Reason.GATE_HOLDS_LAPSE, d.reason());
        assertEquals(List.of(), d.actions());
    }

    @Test
    void anUngatedLapseFences() {
        Decision d = decider("n1").decide(new ClusterView(STEADY, leaderWithoutLease("n1"), Set.of(), 0, false),
                primary(1, 5000), 10_000);
        assertEquals(Reason.FENCE_LEASE_LOST, d.reason());
    }
}
