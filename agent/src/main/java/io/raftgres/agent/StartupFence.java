package io.raftgres.agent;

import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.spi.PostgresControl;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.VipControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up fence. An agent that died (SIGKILL, OOM kill, a crash of the JVM) while its
 * PostgreSQL kept running leaves a primary that still accepts writes with no lease behind it;
 * measured on the demo: two writable primaries for 19 s. A starting agent holds no lease yet (it
 * has not even joined Raft), so before Raft starts it stops, immediately, any PostgreSQL on its
 * data directory that it cannot prove is a standby, then removes a VIP left on its interface.
 *
 * <p>A server that answers that it is in recovery is left running: it cannot acknowledge writes,
 * and the HA loop takes it over. A server that runs but does not answer is stopped like a
 * primary: the agent cannot tell the two apart. The next start of a stopped primary runs crash
 * recovery, as after any fence. A failure throws: the agent must not join Raft beside a
 * PostgreSQL it could not stop (the supervisor retries the start).
 */
final class StartupFence {
    private static final Logger LOG = LoggerFactory.getLogger(StartupFence.class);

    private StartupFence() {
    }

    /**
     * Runs the fence once; call it before Raft starts.
     *
     * @return true when PostgreSQL ran as a primary, or ran without answering, and was stopped
     * @throws RuntimeException when the VIP or PostgreSQL could not be dealt with
     */
    static boolean run(String member, PostgresControl pg, VipControl vip) {
        boolean stopped = stopUnlessStandby(member, pg);
        // After PostgreSQL, as in the lease guard's fence: the VIP may take long to remove.
        if (vip.isPresent()) {
            LOG.info("[{}] removing a VIP left on this host: this member holds no lease before it joins Raft", member);
            if (!vip.remove()) {
                throw new IllegalStateException("cannot remove the VIP left on this host");
            }
        }
        return stopped;
    }

    private static boolean stopUnlessStandby(String member, PostgresControl pg) {
        LocalPgState local = pg.observe();
        if (local.isRunningReplica()) {
            LOG.info("[{}] PostgreSQL left running by an earlier agent is a standby; the HA loop takes it over",
                    member);
            return false;
        }
        if (!local.hasDataDirectory()) {
            return false;
        }
        // Running as a primary, or a postmaster that did not answer (the probe says why): either may
        // acknowledge writes. A stopped server, or a stale postmaster.pid, makes the stop a no-op.
        long start = System.nanoTime();
        pg.stop(StopMode.IMMEDIATE);
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (local.running()) {
            LOG.warn("[{}] start-up fence: stopped PostgreSQL left writable by an earlier agent (immediate, {} ms);"
                    + " this member holds no lease before it joins Raft", member, millis);
            return true;
        }
        if (local.probeError() != null) {
            LOG.warn("[{}] start-up fence: PostgreSQL did not answer ({}); stopped any postmaster left on the data"
                    + " directory (immediate, {} ms) before joining Raft", member, local.probeError(), millis);
            return true;
        }
        return false;
    }
}
