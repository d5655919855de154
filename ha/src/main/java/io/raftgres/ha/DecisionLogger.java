package io.raftgres.ha;

import io.raftgres.core.decide.Decision;
import org.slf4j.Logger;

/**
 * Writes the HA loop's one sentence per cycle so that people can read it: a decision whose term,
 * sentence or actions differ from the last cycle's is logged at INFO at once; an unchanged one
 * (for example {@code no action: I am n1, the primary with the lease (term 3)}, which repeats the
 * same idempotent actions every cycle: arm the watchdog, ensure slots, keep the VIP) is written
 * again only as a heartbeat, once per {@link #HEARTBEAT_MILLIS}, saying how long it has held.
 * Failures of those actions are logged by the executor as they happen. With
 * {@code log.deduplicate_heartbeat_logs: false} every cycle is logged.
 * Used by the HA loop's thread only; the time comes from the loop's monotonic clock.
 */
public final class DecisionLogger {
    public static final long HEARTBEAT_MILLIS = 60_000;

    private final Logger log;
    private final boolean deduplicate;
    private String lastKey;
    private long lastLoggedAt;
    private long unchangedSince;

    public DecisionLogger(Logger log, boolean deduplicate) {
        this.log = log;
        this.deduplicate = deduplicate;
    }

    public void log(long term, Decision decision, long nowMillis) {
        String key = term + " " + decision.summary() + " " + decision.actions();
        boolean unchanged = key.equals(lastKey);
        if (!unchanged) {
            unchangedSince = nowMillis;
        }
        if (deduplicate && unchanged) {
            if (nowMillis - lastLoggedAt < HEARTBEAT_MILLIS) {
                return;
            }
            log.info("{} (unchanged for {} s)", decision.summary(), (nowMillis - unchangedSince) / 1000);
        } else {
            log.info(decision.summary());
        }
        lastKey = key;
        lastLoggedAt = nowMillis;
    }
}
