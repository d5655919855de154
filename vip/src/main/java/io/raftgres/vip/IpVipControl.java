package io.raftgres.vip;

import io.raftgres.core.spi.VipControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VIP on this host through iproute2 ({@code ip addr add|del|show}) and iputils
 * {@code arping}. Needs {@code CAP_NET_ADMIN} (address changes) and {@code CAP_NET_RAW}
 * (gratuitous ARP), or root.
 *
 * <p>Called by the agent's HA loop; which member holds the VIP and when (added only after
 * promotion, removed first on demotion) is decided there. This class only makes each step robust:
 * <ul>
 *   <li>{@link #add} and {@link #remove} are idempotent. They do not trust error texts (iproute2
 *       prints "File exists" or "Address already assigned" depending on version); after a
 *       failed command they look at the interface and report what is actually there.</li>
 *   <li>Nothing throws. A failing tool is logged at WARN with its output and the call returns
 *       false; the agent retries on its next cycle.</li>
 *   <li>Every call is bounded: all commands of one call share a budget of
 *       {@code command_timeout_ms}, or {@link VipSettings#setTimeout()} for an add or renewal of
 *       a VIP with a lifetime (a tool that overruns is killed, which adds at most half a
 *       second). {@link #add} does not wait for the ARP announcements, which run on other
 *       threads ({@link ArpAnnouncer}): one {@code arping} run takes about a second and the HA
 *       loop must stay free to demote.</li>
 *   <li>{@link #remove} first cancels pending announcements, then deletes the address, also
 *       when it is installed with another prefix length (e.g. left over from an earlier
 *       configuration), because any copy of the address on a non-primary is a second VIP.</li>
 * </ul>
 *
 * <p>With {@code lifetime_s} set, the address is installed with that kernel lifetime and
 * {@link #refresh} extends it while this member holds the lease, so a frozen agent's host drops
 * the VIP by itself (see {@link VipSettings}). Every command that sets the lifetime (an add, a
 * renewal) starts only when the agent's lease window allows it ({@link #gateLifetimeOn}; until
 * then none starts), and its commands share {@link VipSettings#setTimeout()}: so the old
 * primary's VIP is surely gone a bounded time after its last acknowledged heartbeat
 * ({@code SafetyTiming.vipGoneAfterHeartbeat}), which the new primary's takeover waits for.
 *
 * <p>Thread-safety: {@link #add}, {@link #remove} and the renewals {@link #refresh} starts are
 * serialized, so a remove that follows an add always wins (it waits at most for that add's
 * budget) and no renewal runs after a remove; {@link #refresh} itself never waits. {@link
 * #isPresent} may be called from any thread at any time.
 */
public final class IpVipControl implements VipControl {

    private static final Logger LOG = LoggerFactory.getLogger(IpVipControl.class);
    /** Bound on the copies {@link #remove} deletes in one call. */
    private static final int MAX_COPIES = 4;

    private final VipSettings settings;
    private final CommandRunner runner;
    private final ArpAnnouncer announcer;
    private final DelayedExecutor later;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    /** Whether the last add succeeded and no remove followed: only then is refreshing allowed. */
    private boolean held;
    /** Whether a command that sets the VIP's lifetime may start now; none may until {@link #gateLifetimeOn}. */
    private volatile BooleanSupplier maySetLifetime = () -> false;
    /** Whether the gate's last refusal of an add was logged at INFO (once until an add succeeds). Under the lock. */
    private boolean refusalLogged;
    /** Whether postponed renewals were logged at WARN (once until a renewal succeeds). Under the lock. */
    private boolean lateWarned;
    /** Written under the lock, read without it by {@link #refresh}'s rate limit. */
    private volatile long lastRefreshNanos;
    private final AtomicBoolean renewing = new AtomicBoolean();

    /** Production wiring: real processes, announcements on virtual threads. */
    public IpVipControl(VipSettings settings) {
        this(settings, new ProcessCommandRunner(), DelayedExecutor.virtualThreads("raftgres-vip-arp"));
    }

    public IpVipControl(VipSettings settings, CommandRunner runner, DelayedExecutor later) {
        this(settings, runner, later, System::nanoTime);
    }

    /** With the monotonic clock that paces refreshes given, for tests. */
    IpVipControl(VipSettings settings, CommandRunner runner, DelayedExecutor later, LongSupplier nanoTime) {
        this.settings = settings;
        this.runner = runner;
        this.announcer = new ArpAnnouncer(settings, runner, later);
        this.later = later;
        this.nanoTime = nanoTime;
    }

    /**
     * The rule every add and renewal of a VIP with a lifetime asks right before its first command, with the VIP's
     * lock held: the agent passes "at least {@code SafetyTiming.vipSetLeaseLeft()} of my lease is left". Until it is
     * given, no such command starts (a VIP without a lifetime is not gated: only the agent removes it).
     */
    public void gateLifetimeOn(BooleanSupplier maySet) {
        this.maySetLifetime = java.util.Objects.requireNonNull(maySet, "maySet");
    }

    @Override
    public boolean isPresent() {
        return lookup(new Budget(settings.commandTimeout())).present();
    }

    /**
     * Adds the VIP if it is not on the interface, then starts a round of announcements. True when
     * the VIP is on the interface with the configured prefix; the announcements follow on other
     * threads, and their failures are logged, not returned.
     */
    @Override
    public boolean add() {
        lock.lock();
        try {
            return addLocked();
        } finally {
            lock.unlock();
        }
    }

    private boolean addLocked() {
        if (settings.expires() && !maySetLifetime.getAsBoolean()) {
            if (!refusalLogged) {
                LOG.info("VIP {}: not added yet, the lease's last heartbeat is older than the window in which its"
                        + " lifetime may be set; trying again next cycle", settings.address());
                refusalLogged = true;
            }
            return false;
        }
        Budget budget = new Budget(settings.setTimeout());
        CommandResult result = ip(budget, withLifetime("addr", "add"));
        if (result.succeeded()) {
            LOG.info("VIP {} added on {}, announcing it", settings.address(), settings.interfaceName());
        } else if (lookup(budget).copies().contains(settings.address())) {
            LOG.debug("VIP {} was already on {}", settings.address(), settings.interfaceName());
            // It may have been installed without a lifetime (by hand, or by an older version):
            // give it ours, or a frozen agent would leave it answering forever.
            if (settings.expires() && !ip(budget, withLifetime("addr", "change")).succeeded()) {
                LOG.warn("VIP {}: cannot set its lifetime on {}", settings.address(), settings.interfaceName());
            }
        } else {
            LOG.warn("VIP {}: cannot add it on {}, `{} addr add` {}", settings.address(),
                    settings.interfaceName(), settings.ipBinary(), result.describe());
            return false;
        }
        held = true;
        refusalLogged = false;
        lateWarned = false;
        lastRefreshNanos = nanoTime.getAsLong();
        // Announce also when it was already there: this call may be the repair of a VIP whose
        // neighbours still point elsewhere.
        announcer.start();
        return true;
    }

    /**
     * Starts a renewal of the VIP's kernel lifetime when it is held here and the last renewal is at
     * least {@code refreshInterval} old. Call it only while this member holds a valid lease, and
     * often (every lease check): it rate-limits itself. Returns at once: the renewal runs on
     * another thread, because the lease guard that calls this must stay free to fence whatever
     * {@code ip} does. At most one renewal is in flight; a renewal and a {@link #remove} are
     * serialized, so no renewal runs after a remove (which matters: the kernel installs an address
     * that a change names when it is absent), and a remove waits at most for one renewal, whose
     * command is bounded by {@link VipSettings#setTimeout()}. Failures are logged.
     *
     * <p>The renewal asks {@code stillHolds} again right before its command, and skips it when
     * the lease no longer holds: a renewal queued before a freeze of the host would otherwise run
     * after the thaw and re-install the VIP that the kernel expired meanwhile, beside the new
     * primary's (seen in the container suite's freeze-primary under load). When the rule stopped
     * holding while the command ran, the renewal removes the VIP itself rather than leave a
     * re-installed copy to the next lease check.
     *
     * @return false when a renewal is already in flight (it may be stuck), true otherwise
     */
    @Override
    public boolean refresh(BooleanSupplier stillHolds) {
        if (!settings.expires() || nanoTime.getAsLong() - lastRefreshNanos < settings.refreshInterval().toNanos()) {
            return true;
        }
        if (!renewing.compareAndSet(false, true)) {
            return false;
        }
        later.execute(() -> renew(stillHolds), Duration.ZERO);
        return true;
    }

    private void renew(BooleanSupplier stillHolds) {
        lock.lock();
        try {
            if (!held || nanoTime.getAsLong() - lastRefreshNanos < settings.refreshInterval().toNanos()) {
                return;
            }
            if (!stillHolds.getAsBoolean()) {
                LOG.debug("VIP {}: renewal skipped, the lease no longer holds", settings.address());
                return;
            }
            if (!maySetLifetime.getAsBoolean()) {
                postponed();
                return;
            }
            CommandResult result = ip(new Budget(settings.setTimeout()), withLifetime("addr", "change"));
            if (!stillHolds.getAsBoolean()) {
                LOG.warn("VIP {}: the lease ended while its lifetime was renewed; removing it", settings.address());
                removeLocked();
            } else if (result.succeeded()) {
                lastRefreshNanos = nanoTime.getAsLong();
                lateWarned = false;
            } else {
                LOG.warn("VIP {}: cannot renew its lifetime on {}, `{} addr change` {}", settings.address(),
                        settings.interfaceName(), settings.ipBinary(), result.describe());
            }
        } finally {
            lock.unlock();
            renewing.set(false);
        }
    }

    /**
     * A renewal outside the lease window (a late heartbeat) waits for the next lease check: the lifetime outlasts
     * several refreshes. Once the last renewal is half a lifetime old the VIP may soon expire on a primary whose lease
     * still holds: said once at WARN until a renewal succeeds again. Under the lock.
     */
    private void postponed() {
        long sinceMillis = (nanoTime.getAsLong() - lastRefreshNanos) / 1_000_000;
        if (!lateWarned && sinceMillis >= settings.lifetime().toMillis() / 2) {
            LOG.warn("VIP {}: not renewed for {} ms: the lease's heartbeats commit late (outside the window in which"
                    + " its lifetime may be set); Linux deletes it {}-{} s after its last renewal", settings.address(),
                    sinceMillis, settings.lifetimeSeconds(), settings.lifetimeSeconds() + 1);
            lateWarned = true;
        } else {
            LOG.debug("VIP {}: renewal postponed, the lease's last heartbeat is older than the window", settings.address());
        }
    }

    /**
     * Cancels pending announcements and deletes every copy of the VIP from the interface. True
     * only when a final look at the interface shows none left.
     */
    @Override
    public boolean remove() {
        lock.lock();
        try {
            return removeLocked();
        } finally {
            lock.unlock();
        }
    }

    private boolean removeLocked() {
        held = false;
        // First, before anything can block: stop announcing an address we are giving up.
        announcer.stop();
        Budget budget = new Budget(settings.commandTimeout());
        CommandResult last = ip(budget, "addr", "del", settings.address(), "dev", settings.interfaceName());
        if (last.succeeded()) {
            LOG.info("VIP {} removed from {}", settings.address(), settings.interfaceName());
        }
        // Verify, and delete copies with another prefix length (left over from an earlier
        // configuration, or added by hand): any copy still answers for the VIP.
        for (int round = 0; round < MAX_COPIES; round++) {
            Lookup now = lookup(budget);
            if (!now.known()) {
                return false;
            }
            if (now.copies().isEmpty()) {
                return true;
            }
            String copy = now.copies().getFirst();
            last = ip(budget, "addr", "del", copy, "dev", settings.interfaceName());
            if (!last.succeeded()) {
                break;
            }
            LOG.info("VIP {}: removed a copy installed as {} from {}", settings.address(), copy,
                    settings.interfaceName());
        }
        LOG.warn("VIP {}: cannot remove it from {}, `{} addr del` {}", settings.address(),
                settings.interfaceName(), settings.ipBinary(), last.describe());
        return false;
    }

    public VipSettings settings() {
        return settings;
    }

    private Lookup lookup(Budget budget) {
        CommandResult result = ip(budget, "-o", "addr", "show", "dev", settings.interfaceName());
        if (!result.succeeded()) {
            LOG.warn("VIP {}: cannot list addresses of {}, `{} -o addr show` {}", settings.address(),
                    settings.interfaceName(), settings.ipBinary(), result.describe());
            return Lookup.UNKNOWN;
        }
        return new Lookup(true, findAddress(result.output(), settings.ip()));
    }

    /** {@code ip addr add|change ADDRESS dev IF}, with the lifetime when one is configured. */
    private String[] withLifetime(String object, String verb) {
        List<String> args = new ArrayList<>(List.of(object, verb, settings.address(), "dev", settings.interfaceName()));
        if (settings.expires()) {
            String seconds = Integer.toString(settings.lifetimeSeconds());
            args.addAll(List.of("valid_lft", seconds, "preferred_lft", seconds));
        }
        return args.toArray(String[]::new);
    }

    private CommandResult ip(Budget budget, String... args) {
        if (budget.isSpent()) {
            return CommandResult.failedToRun("not run: the " + settings.commandTimeoutMillis()
                    + " ms budget of this call was spent by earlier commands");
        }
        List<String> argv = new ArrayList<>(args.length + 1);
        argv.add(settings.ipBinary());
        argv.addAll(List.of(args));
        return runner.run(argv, budget.remaining());
    }

    /**
     * Every {@code inet} entry of {@code ip -o addr show} output whose IP is {@code ip}, as
     * installed ("10.0.0.100/24"). Matched on the IP alone: the host answers for the address
     * whatever its prefix length or label, and Linux allows the same IP with several prefixes.
     */
    static List<String> findAddress(String ipOutput, String ip) {
        List<String> copies = new ArrayList<>();
        for (String line : ipOutput.split("\n")) {
            String[] tokens = line.trim().split("\\s+");
            for (int i = 0; i + 1 < tokens.length; i++) {
                if (tokens[i].equals("inet")) {
                    String candidate = tokens[i + 1];
                    int slash = candidate.indexOf('/');
                    if ((slash < 0 ? candidate : candidate.substring(0, slash)).equals(ip)) {
                        copies.add(candidate);
                    }
                }
            }
        }
        return List.copyOf(copies);
    }

    /** What the interface holds: whether we could tell, and each copy of the VIP on it. */
    private record Lookup(boolean known, List<String> copies) {
        static final Lookup UNKNOWN = new Lookup(false, List.of());

        boolean present() {
            return !copies.isEmpty();
        }
    }

    /** The time left for the commands of one call, so a call is bounded however many it runs. */
    private static final class Budget {
        private final long deadline;

        Budget(Duration total) {
            this.deadline = System.nanoTime() + total.toNanos();
        }

        boolean isSpent() {
            return deadline - System.nanoTime() <= 0;
        }

        Duration remaining() {
            return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        }
    }
}
