package io.raftgres.pgcontrol;

import io.raftgres.core.spi.PostgresControlException;

import java.time.Duration;
import java.util.Optional;

/**
 * The wait after a running standby was reloaded with no upstream (detached from a deposed primary):
 * until its WAL receiver process is gone. The reload only signals the startup process, which then
 * stops the receiver; a position read before that could be passed by one more flush the receiver
 * confirms to its old primary. A dying receiver confirms nothing more (PostgreSQL flushes without
 * replying then), so once it is gone the received position is final. Failing here (the receiver
 * outlived the timeout, the server stopped answering) fails the detach; the member then publishes
 * the receiver as streaming or the server as not answering, and the new leader does not count it.
 */
final class ReceiverStopWait {
    private static final Duration POLL = Duration.ofMillis(20);

    private ReceiverStopWait() {
    }

    static void untilStopped(PgStateProbe probe, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Boolean> running = probe.walReceiverRunning();
            if (running.filter(r -> !r).isPresent()) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw new PostgresControlException(running.isEmpty()
                        ? "PostgreSQL did not answer while its WAL receiver was stopping"
                        : "the WAL receiver still runs " + timeout.toMillis() + " ms after the reload without an upstream");
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PostgresControlException("interrupted while waiting for the WAL receiver to stop", e);
            }
        }
    }
}
