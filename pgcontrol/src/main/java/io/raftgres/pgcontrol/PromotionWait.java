package io.raftgres.pgcontrol;

import io.raftgres.core.spi.PostgresControlException;

import java.time.Duration;
import java.util.Optional;

/**
 * The wait after {@code pg_ctl promote -W} has only sent the signal: until PostgreSQL has left
 * recovery, failing at once when the postmaster is gone (a fence stopped it meanwhile) instead of
 * waiting for the timeout, which {@code pg_ctl promote -w} did (60 s on a stopped server).
 */
final class PromotionWait {
    private static final Duration POLL = Duration.ofMillis(50);

    private PromotionWait() {
    }

    static void untilWritable(PgStateProbe probe, PgCtl pgCtl, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Boolean> inRecovery = probe.inRecovery();
            if (inRecovery.filter(r -> !r).isPresent()) {
                return;
            }
            if (inRecovery.isEmpty() && !pgCtl.isRunning()) {
                throw new PostgresControlException("PostgreSQL stopped during the promotion (fenced or crashed)");
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PostgresControlException("interrupted while waiting for promotion", e);
            }
        }
        throw new PostgresControlException("still in recovery " + timeout.toSeconds() + " s after pg_ctl promote");
    }
}
