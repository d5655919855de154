package io.raftgres.vip;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces the VIP with gratuitous ARP (iputils {@code arping -U}), so that switches and the
 * neighbours' ARP caches move traffic for the address to this host at once.
 *
 * <p>One round is {@code arp_count} announcements spaced {@code arp_interval_ms} apart, then one
 * more {@code reannounce_after_ms} after the round started: a single announcement is lost often
 * enough that peers (vip-manager #12) saw traffic go to the old host until ARP caches expired.
 * Each announcement is one {@code arping -U -c 1} run; iputils' {@code -i} takes whole seconds
 * only, so the pacing is done here.
 *
 * <p>Every announcement runs on another thread ({@link DelayedExecutor}); {@link #start} and
 * {@link #stop} return at once. Invariant: after {@link #stop} returns, no announcement of this
 * instance starts; one already running may finish (and {@code arping} itself refuses to announce
 * an address that is no longer on the interface). Thread-safe.
 */
final class ArpAnnouncer {

    private static final Logger LOG = LoggerFactory.getLogger(ArpAnnouncer.class);

    private final VipSettings settings;
    private final CommandRunner runner;
    private final DelayedExecutor later;
    /** Identifies the current round; bumping it turns every queued announcement into a no-op. */
    private final AtomicLong round = new AtomicLong();

    ArpAnnouncer(VipSettings settings, CommandRunner runner, DelayedExecutor later) {
        this.settings = settings;
        this.runner = runner;
        this.later = later;
    }

    /** Starts a new round of announcements, superseding any round still under way. */
    void start() {
        long current = round.incrementAndGet();
        int count = settings.arpCount();
        for (int i = 1; i <= count; i++) {
            String label = i + "/" + count;
            later.execute(() -> announce(current, label), settings.arpInterval().multipliedBy(i - 1L));
        }
        if (settings.reannounceAfterMillis() > 0) {
            later.execute(() -> announce(current, "re-announcement"), settings.reannounceAfter());
        }
    }

    /** Cancels the current round: announcements not yet started will not run. */
    void stop() {
        round.incrementAndGet();
    }

    /** The argv of one announcement. */
    List<String> command() {
        return List.of(settings.arpingBinary(), "-U", "-c", "1", "-I", settings.interfaceName(), settings.ip());
    }

    private void announce(long expectedRound, String label) {
        // Checked just before running: a VIP we may be giving up must never be announced.
        if (round.get() != expectedRound) {
            return;
        }
        Duration timeout = settings.commandTimeout();
        CommandResult result = runner.run(command(), timeout);
        if (result.succeeded()) {
            LOG.debug("VIP {}: gratuitous ARP {} sent on {}", settings.address(), label, settings.interfaceName());
        } else {
            LOG.warn("VIP {}: gratuitous ARP {} on {} failed, `{}` {}", settings.address(), label,
                    settings.interfaceName(), String.join(" ", command()), result.describe());
        }
    }
}
