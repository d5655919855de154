package io.raftgres.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.pause.NoPauseDetector;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.spi.HaEvents;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The member's Prometheus metrics, on a Micrometer registry with the labels {@code scope} and
 * {@code name} on every series (Patroni's). Two kinds of value:
 * <ul>
 *   <li>gauges computed from the snapshot passed to {@link #scrape} (Patroni's
 *       {@code patroni_*} set, see {@link PatroniGauges}, and the Raft term and role) and from
 *       {@link LiveReadings} (lease, VIP, watchdog), evaluated during that scrape only;</li>
 *   <li>counters and the cycle histogram, fed by the agent through {@link HaEvents} when the
 *       event happens, and the elections counter through {@link #observeRaft}.</li>
 * </ul>
 * Thread-safe: events come from agent threads, scrapes from Netty threads; a scrape holds the
 * monitor only while it renders (no I/O), so two scrapes never mix their snapshots.
 */
public final class RaftgresMetrics implements HaEvents {
    private static final Logger LOG = LoggerFactory.getLogger("raftgres.failover");

    /** Cycle-duration buckets: a cycle is tens of ms, a slow PostgreSQL probe seconds. */
    private static final Duration[] CYCLE_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Supplier<LiveReadings> live;
    private final Counter elections;
    private final Counter failovers;
    private final Map<FenceReason, Counter> fences = new EnumMap<>(FenceReason.class);
    private final Timer cycles;
    private final Map<String, Counter> switchovers = new java.util.HashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicLong> lastSwitchoverMillis = new java.util.HashMap<>();
    private final FailoverDuration failoverDuration;
    private final LongSupplier monotonicMillis;
    private StatusSnapshot current;          // guarded by this; set for the duration of one scrape
    private LiveReadings currentLive = LiveReadings.NONE; // guarded by this
    private long lastLeaderTerm = -1;        // guarded by this

    /**
     * @param scope  cluster name, the {@code scope} label
     * @param member member name, the {@code name} label
     * @param live   read once per scrape; must not block (see {@link LiveReadings})
     */
    public RaftgresMetrics(String scope, String member, Supplier<LiveReadings> live) {
        this(scope, member, live, () -> System.nanoTime() / 1_000_000);
    }

    /**
     * @param monotonicMillis the agent's monotonic clock in milliseconds, which times the last failover
     *                        (see {@link #observeCluster})
     */
    public RaftgresMetrics(String scope, String member, Supplier<LiveReadings> live, LongSupplier monotonicMillis) {
        this.live = Objects.requireNonNull(live, "live");
        this.monotonicMillis = Objects.requireNonNull(monotonicMillis, "monotonicMillis");
        this.failoverDuration = new FailoverDuration(Objects.requireNonNull(member, "member"));
        // No pause detector: the default one runs a LatencyUtils thread per registry, for timer
        // corrections we do not need; the agent stays one thread and a few KiB lighter.
        registry.config().pauseDetector(new NoPauseDetector());
        registry.config().commonTags("scope", Objects.requireNonNull(scope, "scope"),
                "name", Objects.requireNonNull(member, "member"));
        PatroniGauges.register(this);
        snapshotGauge("raftgres.raft.term", "Current Raft term (the fencing token)", s -> s.raft().term());
        for (RaftRole role : RaftRole.values()) {
            Gauge.builder("raftgres.raft.role", this, m -> m.read(s -> s.raft().role() == role ? 1 : 0))
                    .description("1 for this member's current Raft role, 0 for the others")
                    .tag("role", role.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        liveGauge("raftgres.lease.remaining.seconds",
                "Time this member's Raft leader lease still holds (millisecond resolution), 0 without one",
                l -> l.leaseRemainingMillis() / 1000.0);
        liveGauge("raftgres.vip.held", "1 when the VIP is on this host", l -> l.vipHeld() ? 1 : 0);
        liveGauge("raftgres.watchdog.armed", "1 when the watchdog is armed", l -> l.watchdogArmed() ? 1 : 0);
        elections = Counter.builder("raftgres.leader.elections.seen")
                .description("Raft terms with a leader that this member has seen since it started")
                .register(registry);
        failovers = Counter.builder("raftgres.failovers")
                .description("Promotions of this member's replica to primary (failovers and switchovers onto it)")
                .register(registry);
        for (FenceReason reason : FenceReason.values()) {
            fences.put(reason, Counter.builder("raftgres.fences")
                    .description("Immediate PostgreSQL stops on this member, by reason")
                    .tag("reason", reason.label()).register(registry));
        }
        Gauge.builder("raftgres.failover.last.duration.seconds", failoverDuration, FailoverDuration::lastSeconds)
                .description("Last automatic failover onto this member: from its Raft view losing the old primary's "
                        + "leader to its PostgreSQL accepting writes (NaN before the first)")
                .register(registry);
        for (String kind : new String[]{"switchover", "failover"}) {
            switchovers.put(kind, Counter.builder("raftgres.switchovers")
                    .description("Switchovers and manual failovers requested through this member's REST API "
                            + "that completed, by kind").tag("kind", kind).register(registry));
            java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong(-1);
            lastSwitchoverMillis.put(kind, last);
            Gauge.builder("raftgres.switchover.last.duration.seconds", last, v -> v.get() < 0 ? Double.NaN
                            : v.get() / 1000.0)
                    .description("From the request to the new primary's leader key, for the last switchover or "
                            + "manual failover requested through this member (NaN before the first)")
                    .tag("kind", kind).register(registry);
        }
        cycles = Timer.builder("raftgres.ha.cycle.duration")
                .description("Duration of one HA cycle: gather, decide, execute")
                .serviceLevelObjectives(CYCLE_BUCKETS)
                .register(registry);
    }

    /** Renders every metric in Prometheus text format 0.0.4, the gauges from {@code snapshot}. */
    public synchronized String scrape(StatusSnapshot snapshot) {
        observeRaft(snapshot.raft());
        current = snapshot;
        currentLive = live.get();
        try {
            return registry.scrape();
        } finally {
            current = null;
        }
    }

    /**
     * Counts a leader election the first time this member sees a leader in a newer term. Called
     * by the agent when Raft reports a change, and by every scrape; repeated views are no-ops.
     */
    public synchronized void observeRaft(RaftView view) {
        if (view.leaderId() != null && view.term() > lastLeaderTerm) {
            lastLeaderTerm = view.term();
            elections.increment();
        }
    }

    /**
     * Takes the Raft view and replicated state after a change: counts elections ({@link #observeRaft})
     * and follows the primary this member replicates from, to time a failover from the moment its
     * leadership ends here (see {@link FailoverDuration}). Called by the agent on every Raft change.
     */
    public void observeCluster(RaftView view, ClusterState state) {
        observeRaft(view);
        failoverDuration.observe(view, state, monotonicMillis.getAsLong());
    }

    @Override
    public void cycleCompleted(long durationNanos) {
        cycles.record(durationNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void fenced(FenceReason reason) {
        fences.get(reason).increment();
    }

    @Override
    public void promoted() {
        failovers.increment();
        failoverDuration.promoted(monotonicMillis.getAsLong()).ifPresent(millis -> LOG.info("automatic failover onto "
                + "this member took {} ms, from its Raft view losing the old primary's leader to PostgreSQL "
                + "accepting writes", millis));
    }

    /** A switchover ({@code failover} false) or manual failover requested here completed after {@code millis}. */
    public void switchedOver(boolean failover, long millis) {
        String kind = failover ? "failover" : "switchover";
        switchovers.get(kind).increment();
        lastSwitchoverMillis.get(kind).set(millis);
    }

    /** A gauge over the snapshot being scraped (NaN outside a scrape, which never renders it). */
    void snapshotGauge(String name, String help, ToDoubleFunction<StatusSnapshot> value) {
        Gauge.builder(name, this, m -> m.read(value)).description(help).register(registry);
    }

    private void liveGauge(String name, String help, ToDoubleFunction<LiveReadings> value) {
        Gauge.builder(name, this, m -> m.readLive(value)).description(help).register(registry);
    }

    private synchronized double read(ToDoubleFunction<StatusSnapshot> value) {
        return current == null ? Double.NaN : value.applyAsDouble(current);
    }

    private synchronized double readLive(ToDoubleFunction<LiveReadings> value) {
        return value.applyAsDouble(currentLive);
    }
}
