package io.raftgres.pgcontrol;

import io.raftgres.core.spi.PostgresControlException;
import io.raftgres.pgcontrol.ProcessSignals.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One bounded immediate stop of the postmaster on a data directory: the fence of a primary whose lease
 * lapsed, so it must end within the fence budget. {@code pg_ctl stop -m immediate} is not bounded: it waits
 * for the postmaster, which SIGKILLs children that ignore its SIGQUIT only after 5 s and may be busy
 * (startup, crash recovery); one fence took 9.5 s while the old primary could still accept writes.
 *
 * <p>So: SIGQUIT the postmaster (what pg_ctl sends) and poll until it is gone, for at most the grace.
 * Then escalate: SIGSTOP the postmaster so it forks no new children, SIGKILL every descendant, SIGKILL the
 * postmaster, wait at most {@link #KILL_WAIT} for all of them, and remove the lock files it left
 * ({@link KilledPostmasterLockFiles}). Killing the process group would not do: every PostgreSQL child
 * calls setsid() and leads its own group. The next start runs crash recovery, as after any immediate stop.
 *
 * <p>Only a live postmaster ({@link PostmasterCheck}) is signalled; a stale postmaster.pid (its PID may
 * now belong to anything) means nothing runs.
 *
 * <p>Runs to the end when the thread is interrupted (a half-done fence is worse than a late one; the
 * whole stop is bounded anyway) and restores the interrupt flag afterwards. One instance per stop; not
 * thread-safe.
 */
final class ImmediateStop {

    private static final Logger log = LoggerFactory.getLogger(ImmediateStop.class);
    static final Duration POLL = Duration.ofMillis(10);
    /** How long SIGKILLed processes may take to vanish before the stop fails. */
    static final Duration KILL_WAIT = Duration.ofSeconds(1);
    /** How long to wait for SIGSTOP to take effect before listing the children anyway. */
    private static final Duration FREEZE_WAIT = Duration.ofMillis(100);
    private static final Duration FREEZE_POLL = Duration.ofMillis(1);
    /** Rounds of killing children: one forked while SIGSTOP was in flight shows up in the next round. */
    private static final int KILL_ROUNDS = 3;

    private final Path dataDir;
    private final Duration grace;
    private final long started = System.nanoTime();
    private boolean interrupted;

    ImmediateStop(Path dataDir, Duration grace) {
        this.dataDir = dataDir;
        this.grace = grace;
    }

    /**
     * Stops the postmaster and waits until it and its children are gone.
     *
     * @return false when no postmaster runs on the data directory (no or a stale postmaster.pid)
     * @throws PostgresControlException when a single-user backend holds the directory, a signal is refused,
     *                                  or processes outlive SIGKILL by {@link #KILL_WAIT}
     */
    boolean run() {
        interrupted = Thread.interrupted();
        try {
            Optional<PostmasterPidFile> postmaster = verifiedPostmaster();
            if (postmaster.isEmpty()) {
                return false;
            }
            LinuxProcess pm = new LinuxProcess(postmaster.get().pid());
            if (ProcessSignals.send(pm.pid(), Signal.SIGQUIT) && !awaitGone(List.of(pm), grace)) {
                escalate(postmaster.get(), pm);
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Optional<PostmasterPidFile> verifiedPostmaster() {
        Optional<PostmasterPidFile> live = PostmasterCheck.live(dataDir);
        if (live.isPresent() && live.get().singleUser()) {
            throw new PostgresControlException("a single-user PostgreSQL (PID " + live.get().pid() + ") runs on "
                    + dataDir + "; raftgres does not stop it");
        }
        return live;
    }

    private void escalate(PostmasterPidFile file, LinuxProcess pm) {
        if (!ProcessSignals.send(pm.pid(), Signal.SIGSTOP)) {
            return; // exited between the last poll and now
        }
        awaitStopped(pm);
        Map<Long, String> killed = new LinkedHashMap<>();
        try {
            for (int round = 0; round < KILL_ROUNDS; round++) {
                List<LinuxProcess> living = livingDescendants(pm, killed);
                if (living.isEmpty()) {
                    break;
                }
                for (LinuxProcess child : living) {
                    killed.put(child.pid(), child.commandLine()); // read before the kill: a zombie has none
                    ProcessSignals.send(child.pid(), Signal.SIGKILL);
                }
            }
        } finally {
            ProcessSignals.send(pm.pid(), Signal.SIGKILL); // never leave it frozen, even when a child was refused
        }
        List<LinuxProcess> all = new ArrayList<>();
        all.add(pm);
        killed.keySet().forEach(pid -> all.add(new LinuxProcess(pid)));
        if (!awaitGone(all, KILL_WAIT)) {
            List<Long> survivors = all.stream().filter(p -> !p.isGone()).map(LinuxProcess::pid).toList();
            throw new PostgresControlException("immediate stop of " + dataDir + ": processes " + survivors
                    + " still exist " + KILL_WAIT.toMillis() + " ms after SIGKILL (" + millisSinceStart()
                    + " ms in all)");
        }
        List<Path> removed = KilledPostmasterLockFiles.remove(dataDir, file);
        long millis = millisSinceStart();
        log.warn("immediate stop of {}: postmaster PID {} was still running {} ms after SIGQUIT; killed it and its"
                + " {} children {} with SIGKILL and removed its lock files {}; stopped in {} ms", dataDir, pm.pid(),
                grace.toMillis(), killed.size(), killed, removed, millis);
    }

    /** Descendants (children, and their children) not yet killed and not yet gone; empty once pm is gone. */
    private static List<LinuxProcess> livingDescendants(LinuxProcess pm, Map<Long, String> killed) {
        return ProcessHandle.of(pm.pid()).stream().flatMap(ProcessHandle::descendants)
                .map(h -> new LinuxProcess(h.pid()))
                .filter(p -> !killed.containsKey(p.pid()) && !p.isGone())
                .toList();
    }

    /**
     * SIGSTOP is delivered asynchronously: a fork in progress completes first, and a process in
     * uninterruptible sleep stops only when it leaves it. Bounded by FREEZE_WAIT; the kill rounds catch a
     * child forked meanwhile.
     */
    private void awaitStopped(LinuxProcess pm) {
        long deadline = System.nanoTime() + FREEZE_WAIT.toNanos();
        while (!pm.isStopped() && !pm.isGone() && System.nanoTime() < deadline) {
            pause(FREEZE_POLL.toNanos());
        }
    }

    /** Polls every {@link #POLL} until every process is gone; false when some still run after {@code max}. */
    private boolean awaitGone(List<LinuxProcess> processes, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            if (processes.stream().allMatch(LinuxProcess::isGone)) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            pause(Math.min(left, POLL.toNanos()));
        }
    }

    private long millisSinceStart() {
        return (System.nanoTime() - started) / 1_000_000;
    }

    private void pause(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            interrupted = true; // keep going: see the class comment
        }
    }
}
