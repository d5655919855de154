package io.raftgres.agent;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static io.raftgres.agent.LocalAgentCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lease-gated commits end to end, in asynchronous mode (no synchronous replica): three agent processes
 * and three PostgreSQL 15 servers. The primary's agent alone is killed (SIGKILL) or frozen (SIGSTOP)
 * while its PostgreSQL keeps running and clients keep writing to it. Without the gate that orphaned
 * primary acknowledges writes while a new primary does too; with it, it acknowledges none, and the
 * new primary takes writes. A frozen agent that thaws fences its PostgreSQL.
 *
 * <p>Shown to fail: with {@code -Dit.lease_gate=false} (every member's {@code postgresql.lease_gate}
 * false) both tests fail at "the old primary acknowledged writes after its agent died/froze": 294 and 611
 * acknowledged writes in the 20 s of probing, the last 19.98 s after the fault.
 */
@Tag("postgres")
class LeaseGateClusterTest {

    /** Each probe of the old primary gives up after the client's 5 s socket timeout (no cancel is sent). */
    private static final Duration PROBING = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void anOrphanedPrimaryAcknowledgesNothingAfterItsAgentDied() throws Exception {
        runScenario("died", (cluster, old) -> cluster.killAgent(old));
    }

    @Test
    void aFrozenAgentsPrimaryAcknowledgesNothingWhileItIsFrozenAndIsFencedWhenItThaws() throws Exception {
        runScenario("froze", (cluster, old) -> cluster.signalAgent(old, "STOP"));
    }

    private interface Fault {
        void inject(LocalAgentCluster cluster, LocalAgentCluster.Member old) throws Exception;
    }

    private void runScenario(String what, Fault fault) throws Exception {
        try (LocalAgentCluster cluster = new LocalAgentCluster(dir)) {
            try {
                scenario(cluster, what, fault);
            } catch (AssertionError | Exception e) {
                throw new AssertionError(e.getMessage() + "\n" + cluster.logs(), e);
            }
        }
    }

    private void scenario(LocalAgentCluster cluster, String what, Fault fault) throws Exception {
        cluster.startAllHealthy();
        var old = cluster.primaries().getFirst();
        try (Connection c = cluster.connect(old); Statement s = c.createStatement()) {
            s.execute("create table t(id serial primary key, via text)");
            s.execute("insert into t(via) values ('before')");
        }
        fault.inject(cluster, old);
        long faultAt = System.nanoTime();

        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        List<Thread> probes = List.of(probe(cluster, old, faultAt, acknowledged, refused),
                probe(cluster, old, faultAt, acknowledged, refused));
        probes.forEach(Thread::start);

        LocalAgentCluster.Member[] next = new LocalAgentCluster.Member[1];
        await("a new primary that takes a write", Duration.ofSeconds(60), () -> {
            for (var m : cluster.members()) {
                if (m != old && writes(cluster, m)) {
                    next[0] = m;
                    return true;
                }
            }
            return false;
        });
        for (Thread t : probes) {
            t.join(PROBING.toMillis() + 10_000);
        }
        assertEquals(List.of(), List.copyOf(acknowledged),
                "the old primary acknowledged writes after its agent " + what);
        assertTrue(refused.get() >= 4, "the old primary was probed: " + refused.get() + " unanswered writes");

        if (what.equals("froze")) {
            cluster.signalAgent(old, "CONT");
            await("the thawed agent fences its PostgreSQL", Duration.ofSeconds(30),
                    () -> cluster.primaries().equals(List.of(next[0])) && !writes(cluster, old));
        } else {
            cluster.start(old); // the restarted agent fences the orphan and follows the new primary
            await(old.name() + " to stream from " + next[0].name(), Duration.ofSeconds(90),
                    () -> cluster.isStreaming(old));
        }
    }

    /** Writes to {@code old} from fresh connections, one after another, for {@link #PROBING}. */
    private static Thread probe(LocalAgentCluster cluster, LocalAgentCluster.Member old, long faultAt,
                                ConcurrentLinkedQueue<String> acknowledged, AtomicInteger refused) {
        return new Thread(() -> {
            long end = faultAt + PROBING.toNanos();
            while (System.nanoTime() - end < 0) {
                long issued = System.nanoTime();
                try (Connection c = cluster.connect(old); Statement s = c.createStatement()) {
                    s.execute("insert into t(via) values ('after')");
                    acknowledged.add("a write issued " + (issued - faultAt) / 1_000_000 + " ms after the fault");
                } catch (SQLException e) {
                    refused.incrementAndGet();
                    sleepQuietly(200);
                }
            }
        }, "probe-" + old.name());
    }

    private static boolean writes(LocalAgentCluster cluster, LocalAgentCluster.Member m) {
        try (Connection c = cluster.connect(m); Statement s = c.createStatement()) {
            s.execute("insert into t(via) values ('" + m.name() + "')");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
