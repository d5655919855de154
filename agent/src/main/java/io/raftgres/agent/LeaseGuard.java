package io.raftgres.agent;

import io.raftgres.core.model.RaftView;
import io.raftgres.core.spi.PostgresControl;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.VipControl;
import io.raftgres.core.spi.WatchdogControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast fencing path, independent of the HA loop (which may be busy or slow): every
 * {@code lease_check_interval} it checks the lease and, when PostgreSQL may be writable here
 * but this member is no longer the leader with a valid lease, stops PostgreSQL immediately and
 * then removes the VIP. PostgreSQL goes first because it is what acknowledges writes: a VIP
 * removal can take hundreds of milliseconds (an {@code ip} command on a loaded host, or a lock
 * held by an in-flight renewal), and a thawed primary whose fence removed the VIP first was
 * seen acknowledging the split-brain detector's local commits for 0.7 s after the thaw
 * (freeze-primary, quorum commit, 4 Dec 2026). A VIP left a moment longer on a host whose
 * PostgreSQL is stopped only refuses connections, and its kernel lifetime bounds it anyway. While the lease is valid it feeds the watchdog and renews the VIP's
 * kernel lifetime; when it is not, it does neither, so a frozen agent is reset by the watchdog
 * and loses the VIP by kernel expiry rather than being trusted.
 *
 * <p>Maintenance mode (pause) does not stop this guard: pause suppresses promotions, restarts
 * and kills, but a member whose lease lapsed must never acknowledge writes while another member
 * could be promoted, and the paused flag this member sees may be stale (a partitioned primary
 * does not learn that the majority resumed and promoted another member). Until the lease gate
 * exists, a lapsed lease fences in pause as outside it.
 *
 * <p>The timing rule this guard is part of (lease + check interval + fence time + drift &lt;
 * minimum election timeout) is derived in the raft module's {@code RaftLease}.
 * Runs on its own scheduled thread; {@link #check} never throws.
 */
final class LeaseGuard {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseGuard.class);

    private final String member;
    private final ClusterStore store;
    private final PostgresControl pg;
    private final VipControl vip;
    private final WatchdogControl watchdog;
    private final LocalTracker tracker;

    LeaseGuard(String member, ClusterStore store, PostgresControl pg, VipControl vip, WatchdogControl watchdog,
               LocalTracker tracker) {
        this.member = member;
        this.store = store;
        this.pg = pg;
        this.vip = vip;
        this.watchdog = watchdog;
        this.tracker = tracker;
    }

    void check() {
        try {
            RaftView view = store.view();
            boolean valid = view.isLeaderWithLease() && holdsLeaderKey();
            if (valid) {
                if (watchdog.isArmed()) {
                    watchdog.keepalive();
                }
                // Like the keepalive: only renewed while the lease holds, so a frozen agent's
                // kernel drops the VIP by itself (vip.lifetime_s).
                vip.refresh();
                return;
            }
            if (tracker.mayBeWritable()) {
                fence(view);
            }
        } catch (RuntimeException e) {
            LOG.error("[{}] lease check failed: {}", member, ActionExecutor.rootMessage(e));
        }
    }

    private boolean holdsLeaderKey() {
        var state = store.state();
        var leader = state.leader();
        // During bootstrap the initializer runs the primary before any leader key exists.
        return leader == null ? member.equals(state.initializer()) : member.equals(leader.member());
    }

    private void fence(RaftView view) {
        long start = System.nanoTime();
        pg.stop(StopMode.IMMEDIATE);
        tracker.fenced();
        vip.remove();
        watchdog.disarm();
        LOG.warn("[{} term={}] fenced: lease lost ({}); PostgreSQL stopped and VIP removed in {} ms", member,
                view.term(), view.role().name().toLowerCase(), (System.nanoTime() - start) / 1_000_000);
    }
}
