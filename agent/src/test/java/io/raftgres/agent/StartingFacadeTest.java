package io.raftgres.agent;

import io.raftgres.api.AgentFacade;
import io.raftgres.api.ConfigWrite;
import io.raftgres.api.StatusSnapshot;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.MemberTags;
import io.raftgres.ha.AgentIdentity;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-over from the starting answers to the agent's status: the starting snapshot never claims
 * a lease, a role or a running PostgreSQL; the agent's status is served only from the HA loop's first
 * completed cycle on, and never the starting one again. {@link StartingRestClusterTest} shows the
 * same through a real agent.
 */
class StartingFacadeTest {
    private static final AgentIdentity ME = new AgentIdentity("demo", "n2", "http://127.0.0.1:8009/patroni",
            "127.0.0.1:5011", "127.0.0.1", 5434, MemberTags.DEFAULT, null, Agent.VERSION);

    @Test
    void theStartingSnapshotClaimsNothing() {
        StartingFacade facade = new StartingFacade(ME, true, 1_000);
        StatusSnapshot s = facade.snapshot();
        assertEquals("starting", s.pgState());
        assertFalse(s.leaderWithLease());
        assertFalse(s.raft().isLeaderWithLease());
        assertFalse(s.raft().quorumReachable());
        assertFalse(s.local().running());
        assertTrue(s.local().hasDataDirectory());
        assertNull(s.cluster().leader());
        assertEquals(1_000, s.lastLoopMillis(), "liveness counts from the agent's start");
        assertEquals("n2", s.memberName());
        assertNotNull(facade.startingReason());
        assertEquals(ConfigWrite.Outcome.UNAVAILABLE, facade.writeConfig(DynamicConfig.DEFAULT, -1).join().outcome());
        assertFalse(new StartingFacade(ME, false, 1_000).snapshot().local().hasDataDirectory());
    }

    @Test
    void theAgentIsServedFromItsFirstCycleOnAndNeverLeftAgain() {
        StartingFacade facade = new StartingFacade(ME, true, 1_000);
        StatusSnapshot starting = facade.snapshot();
        StatusSnapshot real = new StartingFacade(ME, true, 2_000).snapshot();
        AgentFacade status = new AgentFacade() {
            @Override
            public StatusSnapshot snapshot() {
                return real;
            }

            @Override
            public CompletableFuture<ConfigWrite> writeConfig(DynamicConfig next, long expectedVersion) {
                return CompletableFuture.completedFuture(ConfigWrite.applied(next));
            }
        };
        AtomicBoolean firstCycleDone = new AtomicBoolean();
        facade.handOver(status, firstCycleDone::get);
        assertSame(starting, facade.snapshot(), "before the first cycle");
        assertNotNull(facade.startingReason());

        firstCycleDone.set(true);
        assertSame(real, facade.snapshot());
        assertNull(facade.startingReason());
        assertEquals(ConfigWrite.Outcome.APPLIED, facade.writeConfig(DynamicConfig.DEFAULT, -1).join().outcome());

        firstCycleDone.set(false);
        assertSame(real, facade.snapshot(), "once served, never starting again");
    }
}
