package io.raftgres.pgcontrol;

import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.spi.PostgresControl;
import io.raftgres.core.spi.PostgresControlException;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.Upstream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@link PostgresControl} for a PostgreSQL 15 on this host, driven through its command-line tools
 * (initdb, pg_ctl, pg_basebackup, pg_rewind, pg_controldata) and JDBC over TCP.
 *
 * <p>Threading: {@link #observe}, {@link #walSenders} and {@link #postmasterStartMillis} only read and may
 * run concurrently with anything. The other operations change the data directory; the agent runs at
 * most one of them at a time (its background executor), and this class does not serialise them.
 *
 * <p>Each operation logs one INFO line with its duration when it succeeds. When it fails it logs nothing
 * and throws {@link PostgresControlException} whose message names the operation, its duration and the
 * tool's output ({@link OperationLog}); no password ever goes on a command line, into a log line or into
 * an exception: tools read them from a 0600 pgpass file in the run directory. Copies from another member
 * (pg_basebackup, pg_rewind) are {@link UpstreamCopy}'s.
 */
public final class PgCtlPostgresControl implements PostgresControl {

    private static final Logger log = LoggerFactory.getLogger(PgCtlPostgresControl.class);
    /** Socket timeout for role setup, slots and the source checkpoint before a rewind. */
    private static final Duration SQL_TIMEOUT = Duration.ofSeconds(30);
    /** How long a detach waits for the WAL receiver to exit (it runs on the HA loop's thread; tens of ms is usual). */
    private static final Duration DETACH_TIMEOUT = Duration.ofSeconds(2);

    private final PgControlConfig config;
    private final ToolRunner tools;
    private final OwnedFiles files;
    private final ConfigFiles configFiles;
    private final PgCtl pgCtl;
    private final JdbcSessions sessions;
    private final PgStateProbe probe;
    private final TimelineReservation timelines;
    private final UpstreamCopy copies;
    private final OperationLog operations = new OperationLog(log);

    /** Runs the tools as {@code config.osUser()} when this JVM is root, else as this JVM's user. */
    public PgCtlPostgresControl(PgControlConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        boolean root = ToolRunner.runningAsRoot();
        this.tools = new ToolRunner(config.binDir(), config.osUser(), root);
        this.files = new OwnedFiles(config.osUser(), root);
        this.configFiles = new ConfigFiles(config, files);
        this.pgCtl = new PgCtl(config, tools);
        this.sessions = new JdbcSessions(config);
        this.probe = new PgStateProbe(config, tools, sessions);
        this.timelines = new TimelineReservation(config.dataDir(), files);
        this.copies = new UpstreamCopy(config, tools, files, configFiles, pgCtl, sessions);
        Set<String> ignored = EnforcedParameters.ignoredNames(config.parameters());
        if (!ignored.isEmpty()) {
            log.warn("parameters {} are set by raftgres itself; the configured values are ignored", ignored);
        }
    }

    public PgControlConfig config() {
        return config;
    }

    /** The replication slot name for a member: see {@link ReplicationSlots#slotName}. */
    public static String slotName(String member) {
        return ReplicationSlots.slotName(member);
    }

    /**
     * Never throws. When PostgreSQL is stopped, {@code timeline} and both LSNs come from pg_control: the
     * latest checkpoint, or the minimum recovery point when that is further (a standby whose last
     * restartpoint lags); {@code serverVersion} is then 0. A running standby that does not stream reports
     * the same pg_control timeline.
     */
    @Override
    public LocalPgState observe() {
        return probe.observe();
    }

    /** Connected WAL clients from pg_stat_replication; empty when PostgreSQL does not answer. */
    public List<WalSender> walSenders() {
        return probe.walSenders();
    }

    /** The local primary's synchronous_standby_names, for the synchronous modes. */
    public SynchronousStandbys synchronousStandbys() {
        return new SynchronousStandbys(sessions);
    }

    /** When the postmaster started (epoch milliseconds); empty when PostgreSQL does not answer. */
    public Optional<Long> postmasterStartMillis() {
        return probe.postmasterStartMillis();
    }

    /**
     * Carries over from {@code previous} (a control of the same data directory built with older
     * parameters) which role's configuration was rendered, so {@link #reloadParameters} can
     * re-render that role with this control's parameters.
     */
    public void inheritRenderedRole(PgCtlPostgresControl previous) {
        configFiles.inherit(previous.configFiles);
    }

    /**
     * Re-renders postgresql.conf with this control's parameters in the role this process last
     * rendered, and reloads a running server. Does nothing (returns why) when PostgreSQL is not
     * running (its next start renders them) or no role was rendered yet (the next follow or
     * start does). Run only where data-directory operations are serialised.
     */
    public String reloadParameters() {
        ConfigFiles.Rendered role = configFiles.rendered();
        if (role == null) {
            return "not reloaded: no configuration rendered by this agent yet";
        }
        if (!pgCtl.isRunning()) {
            return "not reloaded: PostgreSQL is not running; its next start uses the new parameters";
        }
        long start = System.nanoTime();
        configFiles.rewrite(role);
        pgCtl.reload();
        return "reloaded in " + (System.nanoTime() - start) / 1_000_000 + " ms";
    }

    /**
     * Parameters the running server has read but can only apply after a restart (PostgreSQL's
     * {@code pg_settings.pending_restart}), with their value in effect now. Empty when PostgreSQL
     * is not running or does not answer within the probe timeout.
     */
    public Map<String, String> pendingRestart() {
        return PendingRestartQuery.run(sessions);
    }

    @Override
    public void bootstrap() {
        operations.timed("bootstrap", () -> {
            DataDirectoryChecks.requireEmpty("bootstrap", config.dataDir());
            return new NewCluster(config, tools, files, configFiles, pgCtl, sessions, configFiles.clientEnvironment(),
                    SQL_TIMEOUT).create();
        });
    }

    @Override
    public void cloneFrom(Upstream from) {
        Objects.requireNonNull(from, "upstream");
        operations.timed("clone from " + describe(from), () -> copies.cloneFrom(from, describe(from)));
    }

    /**
     * Starts a stopped data directory as primary, or reloads the configuration of a running primary.
     * Refuses a running standby and a data directory that last ran as a standby: those must be promoted
     * (follow, then promote) so that they move to a new timeline.
     */
    @Override
    public void startPrimary() {
        operations.timed("start as primary", () -> {
            DataDirectoryChecks.requireExisting(config.dataDir());
            if (pgCtl.isRunning()) {
                // Unknown role: rewriting a standby's files as a primary's would make its next start unsafe.
                boolean inRecovery = probe.inRecovery().orElseThrow(() -> new PostgresControlException(
                        "PostgreSQL runs but does not answer, so its role is unknown"));
                if (inRecovery) {
                    throw new PostgresControlException("PostgreSQL runs as a standby: promote() it instead");
                }
                configFiles.writePrimary();
                pgCtl.reload();
                return "already running as primary, configuration reloaded";
            }
            // A standby started without standby.signal would write on its old timeline beside the real
            // primary's; it must be started as a replica and promoted so that it switches timeline.
            ControlState state = probe.controlData().state();
            if (state == ControlState.SHUT_DOWN_IN_RECOVERY || state == ControlState.IN_ARCHIVE_RECOVERY) {
                throw new PostgresControlException("data directory last ran as a standby (" + state.text()
                        + "): follow() and promote() it instead");
            }
            configFiles.writePrimary();
            pgCtl.start();
            return "started";
        });
    }

    /**
     * Writes the standby configuration, then: starts a stopped server; reloads a running standby (which
     * restarts its WAL receiver with the new upstream and slot); restarts a running primary (fast stop)
     * as a standby. Whether the data directory can follow {@code upstream} without a rewind is the
     * caller's decision. {@code selfSlot} goes through {@link #slotName}; null streams without a slot.
     * A null {@code upstream} starts a standby that replays only local WAL (to be promoted next), or
     * detaches a running one: the call returns once its WAL receiver is gone ({@link ReceiverStopWait}).
     */
    @Override
    public void follow(Upstream upstream, String selfSlot) {
        String slot = selfSlot == null ? null : slotName(selfSlot);
        operations.timed("follow " + describe(upstream) + " with slot " + slot, () -> {
            DataDirectoryChecks.requireExisting(config.dataDir());
            configFiles.writeReplica(upstream, slot);
            if (!pgCtl.isRunning()) {
                timelines.removeUnused(probe.controlData().checkpointTimeline());
                pgCtl.start();
                return "started as replica";
            }
            if (probe.inRecovery().orElse(true)) {
                pgCtl.reload(); // primary_conninfo and primary_slot_name are reloadable since PostgreSQL 13
                if (upstream == null) {
                    ReceiverStopWait.untilStopped(probe, DETACH_TIMEOUT);
                    return "reloaded without an upstream; the WAL receiver stopped";
                }
                return "reloaded";
            }
            pgCtl.stop(StopMode.FAST);
            pgCtl.start();
            return "demoted: restarted as replica";
        });
    }

    @Override
    public void stop(StopMode mode) {
        Objects.requireNonNull(mode, "mode");
        long started = System.nanoTime();
        boolean stopped;
        try {
            stopped = pgCtl.stop(mode);
        } catch (RuntimeException e) {
            throw OperationLog.failure("stop (" + mode + ")", started, e);
        }
        if (stopped) {
            log.info("stop ({}): done in {} ms", mode, OperationLog.millisSince(started));
        } else {
            log.debug("stop ({}): PostgreSQL was not running", mode);
        }
    }

    @Override
    public void promote() {
        operations.timed("promote", () -> {
            if (!pgCtl.isRunning()) {
                throw new PostgresControlException("PostgreSQL is not running");
            }
            if (probe.inRecovery().filter(inRecovery -> !inRecovery).isPresent()) {
                return "already a primary";
            }
            pgCtl.promote();
            awaitWritable();
            return "accepts writes";
        });
    }

    /** Placeholder history files before a promotion: see {@link TimelineReservation}. */
    @Override
    public void reserveTimelines(long upTo) {
        long current = observe().timeline();
        if (upTo > Math.max(current, 1)) {
            operations.timed("reserve timelines up to " + upTo, () -> "placeholders written for " + timelines.reserve(current, upTo));
        }
    }

    @Override
    public void rewind(Upstream from) {
        Objects.requireNonNull(from, "upstream");
        operations.timed("rewind from " + describe(from), () -> copies.rewind(from));
    }

    @Override
    public void removeDataDirectory() {
        operations.timed("remove data directory", () -> {
            if (pgCtl.isRunning()) {
                throw new PostgresControlException("PostgreSQL is running on " + config.dataDir());
            }
            files.deleteContents(config.dataDir());
            return config.dataDir() + " emptied";
        });
    }

    /**
     * Creates missing slots and drops inactive member slots outside {@code slotNames} (see
     * {@link ReplicationSlots}). Logs at INFO only when it changed something, as the agent calls it
     * every cycle.
     *
     * @throws IllegalArgumentException when a name is not of the form {@link #slotName} produces
     */
    @Override
    public void ensureSlots(Set<String> slotNames) {
        Set<String> wanted = Set.copyOf(Objects.requireNonNull(slotNames, "slotNames"));
        ReplicationSlots.requireManagedNames(wanted);
        long started = System.nanoTime();
        ReplicationSlots.Changes changes;
        try (Connection c = sessions.local(SQL_TIMEOUT)) {
            changes = ReplicationSlots.ensure(c, wanted);
        } catch (SQLException | RuntimeException e) {
            throw OperationLog.failure("ensure slots " + wanted, started, e);
        }
        if (changes.created().isEmpty() && changes.dropped().isEmpty()) {
            log.debug("ensure slots {}: nothing to change", wanted);
        } else {
            log.info("ensure slots: created {}, dropped {} in {} ms", changes.created(), changes.dropped(),
                    OperationLog.millisSince(started));
        }
    }

    /**
     * Runs CHECKPOINT on the local server, so that the shutdown checkpoint of the stop that follows
     * has little left to write (Patroni's graceful demotion does the same). Waits up to the pg_ctl
     * timeout; a failure is reported and the caller stops anyway.
     */
    @Override
    public void checkpoint() {
        long started = System.nanoTime();
        try (Connection c = sessions.local(config.pgCtlTimeout()); var st = c.createStatement()) {
            st.execute("CHECKPOINT");
        } catch (SQLException | RuntimeException e) {
            throw OperationLog.failure("checkpoint", started, e);
        }
        log.info("checkpoint: done in {} ms", OperationLog.millisSince(started));
    }

    /** Waits until PostgreSQL has left recovery after the promotion signal (see {@link PromotionWait}). */
    void awaitWritable() {
        PromotionWait.untilWritable(probe, pgCtl, config.pgCtlTimeout());
    }

    private static String describe(Upstream up) {
        if (up == null) {
            return "no upstream";
        }
        return up.member() + " (" + up.host() + ":" + up.port() + ")";
    }
}
