package io.raftgres.testkit;

import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.spi.PostgresControlException;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.Upstream;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FakePostgresTest {

    private final FakeClock clock = new FakeClock(0);
    private final Map<String, FakePostgres> hosts = new TreeMap<>();
    private final FakePostgres n1 = host("n1");
    private final FakePostgres n2 = host("n2");
    private final FakePostgres n3 = host("n3");

    @Test
    void bootstrapsAWritablePrimaryOnTimelineOne() {
        n1.bootstrap();
        LocalPgState state = n1.observe();
        assertTrue(state.isWritablePrimary());
        assertEquals(1, state.timeline());
        assertEquals(ControlState.IN_PRODUCTION, state.controlState());
        long before = n1.writeLsn().value();
        n1.clientWrite(500);
        assertEquals(before + 500, n1.writeLsn().value());
    }

    @Test
    void replicaStreamsAndPromotionStartsANewTimelineWhereItStood() {
        clusterOfThree();
        n1.clientWrite(1_000);
        n2.receiveWal("n1", n1.walPosition());
        assertTrue(n2.isStreaming());
        assertEquals(n1.writeLsn(), n2.writeLsn());
        long[] promoted = {0};
        n2.onPromotion((node, at, tl) -> promoted[0] = tl);
        n2.promote();
        assertTrue(n2.isWritable());
        assertEquals(2, n2.timeline());
        assertEquals(2, promoted[0]);
        assertEquals(n1.writeLsn(), n2.observe().timelineStartLsn());
    }

    @Test
    void standbyThatWentPastTheForkCannotStreamUntilRewound() {
        clusterOfThree();
        n1.clientWrite(1_000);
        n2.receiveWal("n1", n1.walPosition());
        n3.receiveWal("n1", n1.walPosition());
        n1.clientWrite(5_000); // only n1 has these bytes
        n1.crash();
        n2.promote();
        n2.clientWrite(100);
        n3.follow(upstream("n2"), "n3");
        n3.receiveWal("n2", n2.walPosition());
        assertTrue(n3.isStreaming(), "n3 had nothing past the fork: it follows the new timeline");

        assertEquals(ControlState.IN_PRODUCTION, n1.observe().controlState());
        n1.follow(upstream("n2"), "n1");
        n1.receiveWal("n2", n2.walPosition());
        assertFalse(n1.isStreaming(), "n1 holds WAL past the fork");
        n1.stop(StopMode.FAST);
        n1.rewind(upstream("n2"));
        assertEquals(2, n1.timeline());
        n1.follow(upstream("n2"), "n1");
        n1.receiveWal("n2", n2.walPosition());
        assertTrue(n1.isStreaming());
        assertEquals(n2.writeLsn(), n1.writeLsn());
    }

    @Test
    void cleanShutdownHandsTheLastWalToStandbysSoNoRewindIsNeeded() {
        clusterOfThree();
        n1.onShutdownFlush(primary -> n2.receiveWal("n1", primary.walPosition()));
        n1.clientWrite(2_000);
        n1.stop(StopMode.FAST);
        assertEquals(ControlState.SHUT_DOWN, n1.observe().controlState());
        assertEquals(n1.writeLsn(), n2.writeLsn(), "the standby got the shutdown checkpoint");
        n2.promote();
        var before = n1.history();
        n1.rewind(upstream("n2"));
        assertEquals(before, n1.history(), "pg_rewind: no rewind required");
        assertEquals(ControlState.SHUT_DOWN, n1.observe().controlState());
    }

    @Test
    void promotionsOnDifferentBranchesAreToldApartEvenWithTheSameNumber() {
        clusterOfThree();
        n2.promote();
        n3.promote();
        assertEquals(n2.timeline(), n3.timeline());
        assertNotEquals(n2.history(), n3.history());
        n2.stop(StopMode.IMMEDIATE);
        n2.follow(upstream("n3"), "n2");
        n2.receiveWal("n3", n3.walPosition());
        assertFalse(n2.isStreaming());
        n3.addTimelineHistoryFile(5);
        n3.stop(StopMode.FAST);
        n3.follow(null, "n3");
        n3.promote();
        assertEquals(6, n3.timeline(), "a known history file moves the next timeline past it");
    }

    @Test
    void failsLikeTheRealToolsDo() {
        clusterOfThree();
        assertThrows(PostgresControlException.class, n1::bootstrap, "initdb into a used directory");
        assertThrows(PostgresControlException.class, n1::promote, "promote a primary");
        assertThrows(PostgresControlException.class, n2::removeDataDirectory, "remove while running");
        n2.stop(StopMode.IMMEDIATE);
        n1.crash();
        PostgresControlException e = assertThrows(PostgresControlException.class, () -> n2.rewind(upstream("n1")));
        assertTrue(e.getMessage().contains("not running"), e.getMessage());
        n2.setBrokenStart(true);
        assertThrows(PostgresControlException.class, () -> n2.follow(upstream("n1"), "n2"));
        n2.removeDataDirectory();
        assertFalse(n2.observe().hasDataDirectory());
        assertEquals(0, n2.timeline());
    }

    /** n1 primary, n2 and n3 cloned from it and streaming. */
    private void clusterOfThree() {
        n1.bootstrap();
        for (FakePostgres standby : List.of(n2, n3)) {
            standby.cloneFrom(upstream("n1"));
            standby.follow(upstream("n1"), standby.name());
            standby.receiveWal("n1", n1.walPosition());
        }
    }

    private FakePostgres host(String name) {
        FakePostgres pg = new FakePostgres(name, clock, (from, to) -> hosts.get(to), () -> "7000000000000000001");
        hosts.put(name, pg);
        return pg;
    }

    private static Upstream upstream(String member) {
        return new Upstream(member, member, 5432);
    }
}
