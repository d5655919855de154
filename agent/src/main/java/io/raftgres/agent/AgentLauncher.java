package io.raftgres.agent;

import io.raftgres.ha.ActionExecutor;
import io.raftgres.agent.config.ConfigException;
import io.raftgres.agent.config.ConfigLoader;
import io.raftgres.agent.config.RaftgresConfig;
import io.raftgres.agent.logging.LogSetup;
import io.raftgres.core.spi.VipControl;
import io.raftgres.core.spi.WatchdogControl;
import io.raftgres.pgcontrol.PgCtlPostgresControl;
import io.raftgres.vip.IpVipControl;
import io.raftgres.watchdog.WatchdogMode;
import io.raftgres.watchdog.WatchdogPolicy;
import io.raftgres.watchdog.WatchdogSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads and validates the configuration, runs the {@link StartupFence} while holding the REST port
 * ({@link PortClaim}; no PostgreSQL left writable by an earlier run of this agent survives into Raft),
 * starts the REST API (it answers "starting" until the agent's first HA cycle, see {@link AgentRest}),
 * starts Raft and the agent,
 * installs the shutdown hook (SIGTERM/SIGINT stop the agent in the safe order) and waits. A
 * configuration with problems starts nothing and prints every problem as {@code FILE: key: reason}.
 */
final class AgentLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLauncher.class);

    private AgentLauncher() {
    }

    static int launch(Path file, Map<String, String> env, PrintStream err) {
        long startedAtMillis = System.currentTimeMillis();
        RaftgresConfig config;
        try {
            config = ConfigLoader.loadForThisHost(file, env);
        } catch (ConfigException e) {
            e.problems().forEach(p -> err.println(p.toLine()));
            err.println("raftgres: not started: " + e.problems().size() + " configuration problem(s)");
            return 1;
        }
        try {
            LogSetup.apply(config.name(), config.log());
        } catch (IllegalArgumentException e) {
            err.println("raftgres: not started: " + e.getMessage());
            return 1;
        }
        LOG.info("configuration {}: {}", file, config.toDisplayMap());
        String aot = AotCacheNote.describe(System.getProperty(AotCacheNote.PROPERTY), System.getProperty("java.vm.info"));
        if (aot != null) {
            LOG.info(aot);
        }
        if (config.restapi().authentication() == null && !config.restapi().allowUnauthenticatedWrites()) {
            err.println("restapi.authentication: missing: the REST write endpoints (PATCH /config, ...) need a "
                    + "username and password; set restapi.allow_unauthenticated_writes: true to accept writes "
                    + "from anyone who reaches the port");
            err.println("raftgres: not started: write endpoints without authentication");
            return 1;
        }
        // The fence first, while this process holds the REST port (PortClaim): a second agent started on
        // a running member's config fails on that port before its fence could stop that member's
        // PostgreSQL, and an orphan left by a killed agent is stopped before the HTTP server's start-up.
        PlatformSafety safety;
        try (PortClaim claim = PortClaim.of(config.restapi().listen())) {
            safety = PlatformSafety.from(config);
            if (!fence(config, safety, err)) {
                return 1;
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("raftgres: not started: " + e.getMessage());
            return 1;
        }
        // The REST API then answers 503 to every role check and write until the first HA cycle, so it
        // can mislead no load balancer.
        AgentRest rest;
        try {
            rest = AgentRest.start(config, startedAtMillis);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("raftgres: not started: " + e.getMessage());
            return 1;
        }
        LOG.info("REST API on {} answers for a starting member until the first HA cycle", config.restapi().url());
        Agent agent = startAgent(file, env, err, config, rest, safety);
        if (agent == null) {
            closeQuietly(rest);
            return 1;
        }
        RouteTimers.checkInBackground(config);
        Thread hook = new Thread(agent::close, "raftgres-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            String fatal = agent.awaitFatal();
            if (fatal != null) {
                err.println("raftgres: stopped: " + fatal);
                return 1;
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The {@link StartupFence}; false (the reason printed to {@code err}) when it failed. */
    private static boolean fence(RaftgresConfig config, PlatformSafety safety, PrintStream err) {
        try {
            StartupFence.run(config.name(), new PgCtlPostgresControl(Agent.pgConfig(config,
                    config.postgresql().parameters())), safety.vip());
            return true;
        } catch (RuntimeException e) {
            err.println("raftgres: not started: the start-up fence failed, and this member must not join Raft beside"
                    + " a PostgreSQL it could not stop: " + ActionExecutor.rootMessage(e));
            return false;
        }
    }

    /**
     * The rest of the start once the REST API listens: the agent, which closes {@code rest} when it
     * stops, or null when the start failed (the reason printed to {@code err}).
     */
    private static Agent startAgent(Path file, Map<String, String> env, PrintStream err, RaftgresConfig config,
                                    AgentRest rest, PlatformSafety safety) {
        RaftClusterStore raft;
        try {
            raft = RaftClusterStore.start(config);
        } catch (RuntimeException e) {
            err.println("raftgres: could not start Raft on " + config.raft().selfAddr() + ": "
                    + ActionExecutor.rootMessage(e));
            return null;
        }
        safety.gateVipOn(raft, config);
        Agent agent;
        try {
            agent = new Agent(config, raft, safety.vip(), safety.watchdog(), safety.watchdogFailed(),
                    safety.watchdogTakeover(), rest);
            agent.enableReload(file, env);
        } catch (RuntimeException e) {
            err.println("raftgres: could not start: " + ActionExecutor.rootMessage(e));
            closeQuietly(raft);
            return null;
        }
        return agent;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("close failed: {}", e.getMessage());
        }
    }

    /**
     * VIP and watchdog adapters for this host. In {@code required} mode the watchdog is probed once
     * (armed, then closed with the magic character) so that a member whose device cannot be armed
     * publishes watchdog_failed and is never chosen as primary.
     */
    record PlatformSafety(VipControl vip, WatchdogControl watchdog, boolean watchdogFailed,
                          java.time.Duration watchdogTakeover) {
        static PlatformSafety from(RaftgresConfig config) {
            VipControl vip = VipControl.NONE;
            if (config.vip() != null) {
                vip = new IpVipControl(config.vip().control());
            }
            io.raftgres.agent.config.WatchdogSettings w = config.watchdog();
            WatchdogMode mode = switch (w.mode()) {
                case OFF -> WatchdogMode.OFF;
                case AUTOMATIC -> WatchdogMode.AUTOMATIC;
                case REQUIRED -> WatchdogMode.REQUIRED;
            };
            WatchdogSettings settings = new WatchdogSettings(mode, w.device(), w.safetyMargin());
            WatchdogPolicy policy = WatchdogPolicy.create(settings, config.raft().lease(),
                    config.raft().electionTimeoutMin());
            boolean failed = false;
            if (mode == WatchdogMode.REQUIRED) {
                failed = !policy.arm();
                policy.disarm();
                if (failed) {
                    LOG.error("watchdog.mode is required but the watchdog cannot be armed ({}): this member "
                            + "will never become primary", policy.lastError().orElse("unknown reason"));
                }
            }
            return new PlatformSafety(vip, policy, failed, watchdogTakeover(config, settings));
        }

        /**
         * From now on an add or a renewal of the VIP's lifetime starts only while at least
         * {@code SafetyTiming.vipSetLeaseLeft()} of this member's lease is left, the rule the new primary's
         * takeover wait counts on ({@code SafetyTiming.vipGoneAfterHeartbeat}). Before, none starts.
         */
        void gateVipOn(RaftClusterStore raft, RaftgresConfig config) {
            if (vip instanceof IpVipControl ip) {
                long needed = config.raft().safety().vipSetLeaseLeft().toMillis();
                ip.gateLifetimeOn(() -> {
                    long left = raft.leaseRemainingMillis();
                    return left > 0 && left >= needed;
                });
            }
        }

        /**
         * A frozen old primary is stopped only by its watchdog, at most lease + timeout after the
         * last heartbeat a majority acknowledged; a new leader can be elected right after that
         * heartbeat (a vote granted after a pre-vote), so with a watchdog in use the takeover wait
         * must cover lease + timeout too. Zero when this host has no usable watchdog (clusters are
         * assumed to be configured alike).
         */
        static java.time.Duration watchdogTakeover(RaftgresConfig config, WatchdogSettings settings) {
            if (settings.mode() == WatchdogMode.OFF || !java.nio.file.Files.exists(settings.device())) {
                return java.time.Duration.ZERO;
            }
            try {
                int seconds = settings.timeoutSeconds(config.raft().lease(), config.raft().electionTimeoutMin());
                return config.raft().safety().takeoverDelayWithWatchdog(seconds);
            } catch (IllegalArgumentException e) {
                return java.time.Duration.ZERO;
            }
        }
    }
}
