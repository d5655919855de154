package io.raftgres.agent;

import io.raftgres.ha.ActionExecutor;
import io.raftgres.ha.AgentIdentity;
import io.raftgres.ha.ClusterStore;
import io.raftgres.ha.HaLoop;
import io.raftgres.ha.Clock;
import io.raftgres.ha.Scheduler;
import io.raftgres.ha.LapseJudge;
import io.raftgres.ha.LeaseGuard;
import io.raftgres.ha.LocalTracker;
import io.raftgres.ha.MemberLiveness;
import io.raftgres.ha.MemberPublisher;
import io.raftgres.ha.PgOperations;
import io.raftgres.agent.config.BootstrapConfig;
import io.raftgres.agent.config.HostPort;
import io.raftgres.agent.config.PostgresqlConfig;
import io.raftgres.agent.config.RaftgresConfig;
import io.raftgres.api.LiveReadings;
import io.raftgres.api.RaftgresMetrics;
import io.raftgres.api.RestSecurity;
import io.raftgres.api.WriteAuthentication;
import io.raftgres.core.decide.DeciderConfig;
import io.raftgres.core.decide.HaDecider;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.VipControl;
import io.raftgres.core.spi.WatchdogControl;
import io.raftgres.core.timing.LapseRule;
import io.raftgres.pgcontrol.LeaseGate;
import io.raftgres.pgcontrol.PgControlConfig;
import io.raftgres.pgcontrol.PgCredentials;
import io.raftgres.pgcontrol.PgCtlPostgresControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One raftgres agent: wires the Raft store, PostgreSQL control, VIP, watchdog, the HA loop and
 * the lease guard from a validated {@link RaftgresConfig}, hands its status to the REST API the
 * launcher started ({@link AgentRest}), and shuts them down in the safe order (the HA loop's last
 * cycle ended, VIP off, PostgreSQL stopped, watchdog disarmed, REST and Raft closed).
 */
final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    static final String VERSION = "0.1.0";
    /** How long the shutdown waits for the HA cycle in flight before it stops PostgreSQL ({@link #close}). */
    private static final Duration LAST_CYCLE_WAIT = Duration.ofSeconds(6);

    private final RaftgresConfig config;
    private final ClusterStore store;
    private final AutoCloseable storeHandle;
    private final DynamicPostgresControl pg;
    private final VipControl vip;
    private final WatchdogControl watchdog;
    private final HaLoop loop;
    private final ActionExecutor executor;
    private final ScheduledExecutorService loopThread;
    private final ScheduledExecutorService guardTimer;
    private final ExecutorService background;
    private final ExecutorService statusRefresher;
    private final ExecutorService fenceVip;
    private final AgentRest rest;
    private final LeaseGate gate;
    private final AgentStatus status;
    private final WriteAuthentication writes;
    private final SyncReplication sync;
    private final java.util.concurrent.ScheduledExecutorService syncTimer;

    /** @param rest the REST API the launcher started; it serves this agent's status from the first HA cycle on */
    Agent(RaftgresConfig config, RaftClusterStore raft, VipControl vip, WatchdogControl watchdog, boolean watchdogFailed,
          Duration watchdogTakeover, AgentRest rest) {
        this.config = config;
        this.store = raft;
        this.storeHandle = raft;
        ObservedVip observedVip = new ObservedVip(vip);
        this.vip = observedVip;
        this.watchdog = watchdog;
        AgentIdentity me = identity(config);
        RaftgresMetrics metrics = rest.metrics();
        rest.readLiveFrom(() -> new LiveReadings(raft.leaseRemainingMillis(), observedVip.lastSeenHeld(),
                watchdog.isArmed()));
        this.background = Executors.newSingleThreadExecutor(r -> daemon(r, "raftgres-pg"));
        this.pg = new DynamicPostgresControl(() -> clusterParameters(config, store), config.postgresql().parameters(),
                parameters -> new PgCtlPostgresControl(pgConfig(config, parameters)),
                new ParameterReloader(background), Clock.SYSTEM::monotonicMillis);
        LocalTracker tracker = new LocalTracker(() -> !watchdog.canBecomePrimary(),
                new FileOriginMarker(pgConfig(config, Map.of()).runDir()));
        java.util.function.BooleanSupplier watchdogNowFailed = () -> watchdogFailed || watchdog.watchdogFailed();
        MemberLiveness liveness = new MemberLiveness(config.raft().electionTimeoutMax().toMillis());
        HaLoop[] loopRef = new HaLoop[1];
        this.loopThread = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "raftgres-ha-loop"));
        Scheduler loopScheduler = Scheduler.of(loopThread);
        this.executor = new ActionExecutor(me, store, pg, this.vip, watchdog, tracker,
                PgOperations.on(background), () -> loopRef[0].wake(), PgCtlPostgresControl::slotName,
                () -> holdsPrimaryRole(me.name()), loopScheduler, Clock.SYSTEM);
        Duration lease = TakeoverTiming.takeoverDelay(config, raft).compareTo(watchdogTakeover) >= 0 ? TakeoverTiming.takeoverDelay(config, raft)
                : watchdogTakeover;
        Duration fromElection = TakeoverTiming.takeoverDelayFromElection(config, lease);
        DeciderConfig deciderConfig = new DeciderConfig(me.name(), config.canBootstrap(), config.tags(),
                config.postgresql().removeDataDirectoryOnRewindFailure(),
                config.postgresql().removeDataDirectoryOnDivergedTimelines(), watchdogFailed, 1500,
                fromElection.toMillis(), TakeoverTiming.takeoverDelayFromContact(config, fromElection).toMillis(),
                config.raft().allAddrs().size(), TakeoverTiming.belowVipWindow(config, lease));
        this.loop = new HaLoop(me, store, pg, new HaDecider(deciderConfig), executor,
                new MemberPublisher(me, store, watchdogNowFailed, Clock.SYSTEM, pg::pendingRestart), tracker, Clock.SYSTEM,
                loopScheduler, liveness);
        loopRef[0] = loop;
        io.raftgres.ha.OperatorRequests operations = new io.raftgres.ha.OperatorRequests(() -> loopRef[0].wake());
        loop.takeRequestsFrom(operations);
        executor.reportTo(metrics);
        loop.reportTo(metrics);
        store.addListener(() -> metrics.observeCluster(store.view(), store.state()));
        if (!config.log().deduplicateHeartbeatLogs()) {
            loop.logEveryCycle();
        }
        store.addListener(loop::wake);
        this.fenceVip = Executors.newSingleThreadExecutor(r -> daemon(r, "raftgres-fence-vip"));
        LeaseGuard guard = new LeaseGuard(me.name(), store, pg, this.vip, watchdog, tracker, Clock.SYSTEM, fenceVip,
                config.raft().safety(), this::stopFatal);
        guard.reportTo(metrics);
        this.sync = new SyncReplication(me.name(), store, () -> pg.current().synchronousStandbys(),
                () -> holdsPrimaryRole(me.name()), config.postgresql().leaseGate(), liveness);
        this.syncTimer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "raftgres-sync"));
        syncTimer.scheduleWithFixedDelay(sync::cycle, SyncReplication.PERIOD_MILLIS, SyncReplication.PERIOD_MILLIS,
                TimeUnit.MILLISECONDS);
        // The gate asks, for every reply, the same question the executor asks before a promotion, and in
        // a synchronous mode also whether this primary has published its synchronous state for its term.
        this.gate = config.postgresql().leaseGate()
                ? new LeaseGate(() -> pg.current().config(),
                () -> holdsPrimaryRole(me.name()) && sync.gateMayAcknowledge()) : null;
        // With the gate in effect a lapse closes it at once and fences only at the lapse rule's deadline.
        LapseJudge lapses = new LapseJudge(me.name(), store, new LapseRule(config.raft().safety()),
                gate == null ? () -> false : gate::inEffect, Clock.SYSTEM);
        guard.judgeLapsesWith(lapses);
        loop.judgeLapsesWith(lapses);
        if (gate != null) {
            gate.start();
        }
        this.guardTimer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "raftgres-lease-guard"));
        long every = config.raft().safety().leaseCheckInterval().toMillis();
        guardTimer.scheduleAtFixedRate(guard::check, every, every, TimeUnit.MILLISECONDS);
        this.statusRefresher = Executors.newSingleThreadExecutor(r -> daemon(r, "raftgres-status"));
        this.status = new AgentStatus(me, loop::lastCycle, store, AgentStatus.query(pg::current),
                statusRefresher, tracker, watchdogNowFailed, liveness)
                .withSwitchovers(new SwitchoverRequests(me, store, metrics, System::currentTimeMillis))
                .withRestartSchedules(new RestartSchedules(me, store));
        status.acceptOperations(operations);
        this.writes = rest.security().authentication();
        this.rest = rest;
        rest.serve(status, () -> loop.lastCycle() != null);
        loop.start();
        LOG.info("raftgres {} started: REST on {} ({}), Raft on {}", VERSION, config.restapi().url(), rest.security(),
                config.raft().selfAddr());
    }

    /** Who may use the REST API and how (restapi.authentication_for_reads, allowlist, HTTPS). */
    static RestSecurity restSecurity(RaftgresConfig c) {
        var s = c.restapi().security();
        return new RestSecurity(writeAuthentication(c), s.authenticationForReads(), s.allowlistRule(), s.tls());
    }

    /**
     * Lets {@code POST /reload} re-read {@code file} (with {@code env}'s overrides, as at start).
     * The hooks below are what changes at runtime; the REST server's TLS certificate files are
     * re-read first, on every reload.
     */
    void enableReload(java.nio.file.Path file, Map<String, String> env) {
        ConfigReload reload = new ConfigReload(file, env, config);
        reload.register(hook(List.of("log"), next -> () -> io.raftgres.agent.logging.LogSetup.apply(next.name(),
                next.log())));
        reload.register(hook(List.of("restapi.authentication", "restapi.allow_unauthenticated_writes"), next -> {
            WriteAuthentication replacement;
            try {
                replacement = writeAuthentication(next);
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw new IllegalArgumentException("restapi.authentication: " + e.getMessage());
            }
            return () -> writes.replaceWith(replacement);
        }));
        reload.register(hook(List.of("postgresql.parameters"),
                next -> () -> pg.localParameters(next.postgresql().parameters())));
        status.acceptReload(() -> {
            // Certificate files are re-read on every reload (a renewal keeps their paths); a file that
            // cannot be used refuses the whole reload and the certificate in use stays.
            try {
                rest.reloadCertificates();
            } catch (IllegalArgumentException e) {
                LOG.warn("reload refused, nothing changed: {}", e.getMessage());
                return io.raftgres.api.ReloadResult.invalid(e.getMessage() + "; nothing changed");
            }
            return reload.reload();
        });
    }

    static ReloadHook hook(List<String> keys,
                                   java.util.function.Function<RaftgresConfig, Runnable> prepare) {
        return new ReloadHook() {
            @Override
            public List<String> keys() {
                return keys;
            }

            @Override
            public Runnable prepare(RaftgresConfig next) {
                return prepare.apply(next);
            }
        };
    }

    /** Basic auth from restapi.authentication; open writes only with the explicit consent the launcher checked. */
    static WriteAuthentication writeAuthentication(RaftgresConfig c) {
        var auth = c.restapi().authentication();
        if (auth != null) {
            return WriteAuthentication.basic(auth.username(), auth.password());
        }
        if (!c.restapi().allowUnauthenticatedWrites()) {
            throw new IllegalStateException("restapi.authentication is missing and allow_unauthenticated_writes is "
                    + "not true: refusing to open write endpoints without authentication");
        }
        LOG.warn("REST write endpoints accept requests WITHOUT authentication "
                + "(restapi.allow_unauthenticated_writes: true)");
        return WriteAuthentication.unauthenticatedWrites();
    }

    /** Ends the HA loop with {@code reason}; {@link #awaitFatal} then returns it and the agent exits. */
    private void stopFatal(String reason) {
        loop.stopFatal(reason);
    }

    private boolean holdsPrimaryRole(String me) {
        return store.view().isLeaderWithLease() && store.state().primaryKeyHeldBy(me);
    }

    /** Waits until the HA loop stops on its own (a fatal condition) or the thread is interrupted. */
    String awaitFatal() throws InterruptedException {
        return loop.awaitStopped();
    }

    @Override
    public void close() {
        // Each step is logged: a shutdown that hangs must say where.
        LOG.info("shutting down: stopping the HA loop and the lease guard");
        // The loop decides no more, and the cycle in flight (which may have seen PostgreSQL going down)
        // starts nothing: only then is PostgreSQL stopped. The lease guard keeps fencing meanwhile.
        executor.shutDown();
        awaitLastCycle(loop.stop());
        loopThread.shutdown();
        guardTimer.shutdownNow();
        syncTimer.shutdownNow();
        background.shutdownNow();
        fenceVip.shutdown();
        vip.remove();
        if (gate != null) {
            // Commits now wait until the stop ends them with an error, and the gate cannot hold up the
            // fast stop's shutdown checkpoint (its walsender waits for a connected standby's confirmation).
            gate.close();
        }
        LOG.info("shutting down: stopping PostgreSQL (fast)");
        try {
            pg.stop(StopMode.FAST);
        } catch (RuntimeException e) {
            LOG.warn("stopping PostgreSQL at shutdown failed: {}", e.getMessage());
        }
        watchdog.disarm();
        LOG.info("shutting down: closing the REST API and Raft");
        rest.close();
        statusRefresher.shutdownNow();
        try {
            storeHandle.close();
        } catch (Exception e) {
            LOG.warn("closing Raft failed: {}", e.getMessage());
        }
        LOG.info("raftgres stopped");
    }

    /**
     * Waits for the HA cycle in flight to end: it waits at most {@code RaftRequests.RAFT_WAIT} (3 s) for
     * a commit and its probe about 2 s for PostgreSQL. Past {@link #LAST_CYCLE_WAIT} the shutdown goes on;
     * the executor refuses whatever that cycle still asks.
     */
    private void awaitLastCycle(java.util.concurrent.CompletionStage<Void> idle) {
        try {
            idle.toCompletableFuture().get(LAST_CYCLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            LOG.warn("shutting down: the HA cycle in flight did not end within {} ms; going on without it",
                    LAST_CYCLE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static AgentIdentity identity(RaftgresConfig c) {
        HostPort pgConnect = c.postgresql().connectAddress();
        BootstrapConfig bootstrap = c.bootstrap();
        return new AgentIdentity(c.scope(), c.name(), c.restapi().url(), c.raft().selfAddr().toString(),
                pgConnect.host(), pgConnect.port(), c.tags(), bootstrap == null ? null : bootstrap.dcs(), VERSION);
    }

    /** The replicated parameters, or bootstrap.dcs's before the cluster config is seeded. */
    private static Map<String, String> clusterParameters(RaftgresConfig c, ClusterStore store) {
        DynamicConfig replicated = store.state().config();
        if (replicated.version() == 0 && c.bootstrap() != null) {
            return c.bootstrap().dcs().parameters();
        }
        return replicated.parameters();
    }

    static PgControlConfig pgConfig(RaftgresConfig c, Map<String, String> parameters) {
        PostgresqlConfig p = c.postgresql();
        List<String> hosts = new ArrayList<>();
        c.raft().allAddrs().forEach(a -> hosts.add(a.host()));
        hosts.add(p.connectAddress().host());
        List<String> hba = !p.pgHba().isEmpty() ? p.pgHba()
                : c.bootstrap() != null && !c.bootstrap().pgHba().isEmpty() ? c.bootstrap().pgHba() : List.of();
        PgControlConfig.Builder b = PgControlConfig.builder(c.name(), c.scope(), p.dataDir())
                .binDir(p.binDir())
                .listen(p.listen().host(), p.listen().port())
                .connect(p.connectAddress().host(), p.connectAddress().port())
                .superuser(new PgCredentials(p.superuser().username(), p.superuser().password()))
                .replication(new PgCredentials(p.replication().username(), p.replication().password()))
                .rewind(new PgCredentials(p.rewindUser().username(), p.rewindUser().password()))
                .osUser(p.osUser())
                .parameters(parameters)
                .clusterHosts(hosts)
                .initdbOptions(c.bootstrap() == null ? List.of() : c.bootstrap().initdb())
                .removeDataDirectoryOnRewindFailure(p.removeDataDirectoryOnRewindFailure())
                .pgCtlTimeout(Duration.ofSeconds(60))
                .toolTimeout(Duration.ofMinutes(30))
                // The fence must end within the fence budget: SIGQUIT gets half, SIGKILL and reaping the rest.
                .immediateStopGrace(c.raft().safety().fenceBudget().dividedBy(2))
                .postBootstrap(c.bootstrap() == null ? List.of() : c.bootstrap().postBootstrap())
                .leaseGate(p.leaseGate());
        if (p.pgpass() != null) {
            b.passfile(p.pgpass());
        }
        if (!hba.isEmpty()) {
            b.pgHba(hba);
        }
        return b.build();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
