package io.raftgres.pgcontrol;

import io.raftgres.core.sync.StandbyNames;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Lease-gated commits: the agent is the synchronous standby of its own primary, under
 * {@code application_name} {@value #APPLICATION_NAME}, listed alone in {@code synchronous_standby_names}
 * (rendered by {@link EnforcedParameters} when {@link PgControlConfig#leaseGate()} is on). With
 * {@code synchronous_commit} on, remote_write or remote_apply, PostgreSQL tells a client its commit
 * succeeded only after the gate confirmed the commit's WAL position, and the gate confirms a position
 * only after {@code leaseHeld} (the agent's "may run a primary": Raft leader, valid lease on the monotonic
 * clock, leader key) said yes for that very reply. Hence:
 * <ul>
 *   <li>the agent dies: its socket closes, no sync standby is connected, commits wait;</li>
 *   <li>the agent freezes: nothing is read or sent, commits wait;</li>
 *   <li>the lease lapses: the next reply is not sent and the connection is closed, commits wait, until
 *       the lease guard's fence stops PostgreSQL and the waiting clients get an error.</li>
 * </ul>
 * No commit written after the lease's end is ever acknowledged. A reply sent just before the end can
 * still release commits written before it after the end (the time PostgreSQL takes to read the reply
 * and wake the backend, or a freeze of the agent between its check and its write); the fence, due
 * before any new leader can exist, bounds that.
 *
 * <p>Never blocking a stop: an immediate stop (the fence) waits for nobody. A fast stop makes each
 * walsender wait until its standby confirms the shutdown checkpoint; the gate confirms it while the
 * lease holds and otherwise disconnects, and the agent {@link #close}s the gate before its own fast
 * stop at shutdown. Only a frozen agent leaves a fast stop waiting, up to {@code wal_sender_timeout}.
 *
 * <p>Runs on its own daemon thread: while the lease is held and the local server is a primary it keeps
 * one {@link GateSession}, retrying every {@link #RETRY}; otherwise it stays disconnected. Changes of
 * state are logged once. Thread-safe.
 */
public final class LeaseGate implements AutoCloseable {

    /** The gate's application_name, as listed in synchronous_standby_names. */
    public static final String APPLICATION_NAME = "raftgres_gate";
    /** Pause between connection attempts, and between looks at the lease while it is not held. */
    public static final Duration RETRY = Duration.ofMillis(100);

    private static final Logger LOG = LoggerFactory.getLogger(LeaseGate.class);

    private final Supplier<PgControlConfig> config;
    private final BooleanSupplier leaseHeld;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile GateSession session;
    private volatile boolean open;
    private volatile boolean inEffect;
    private String lastReport = "";

    /**
     * @param config    this member's PostgreSQL (read at each connection attempt)
     * @param leaseHeld asked before every reply; must read the monotonic clock each time and never block
     */
    public LeaseGate(Supplier<PgControlConfig> config, BooleanSupplier leaseHeld) {
        this.config = Objects.requireNonNull(config, "config");
        this.leaseHeld = Objects.requireNonNull(leaseHeld, "leaseHeld");
        this.thread = new Thread(this::run, "raftgres-lease-gate");
        thread.setDaemon(true);
    }

    /**
     * Why {@code parameters} (postgresql.conf settings) cannot run with the gate, if they cannot: a
     * configured synchronous_standby_names (the gate renders its own) or a synchronous_commit that waits
     * for no standby (off, local), since then no commit would wait for the gate. Sessions may still lower
     * synchronous_commit for themselves: their commits opt out of the gate, as the agent's own do.
     */
    public static Optional<String> conflict(Map<String, String> parameters) {
        if (parameters.containsKey("synchronous_standby_names")) {
            return Optional.of("synchronous_standby_names is set by the lease gate; remove it, or turn the lease"
                    + " gate off to manage synchronous replication yourself");
        }
        String commit = parameters.getOrDefault("synchronous_commit", "on").trim().toLowerCase(Locale.ROOT);
        if (Set.of("off", "local", "false", "no", "0").contains(commit)) {
            return Optional.of("synchronous_commit " + commit + " waits for no standby, so the lease gate would"
                    + " guard nothing: use on, remote_write or remote_apply, or turn the lease gate off");
        }
        return Optional.empty();
    }

    public void start() {
        thread.start();
    }

    /** Whether the gate is connected and acknowledging (as of its last reply). */
    public boolean isOpen() {
        return open;
    }

    /** Disconnects at once and stops the thread; commits then wait until PostgreSQL stops. */
    @Override
    public void close() {
        running = false;
        GateSession s = session;
        if (s != null) {
            s.abort();
        }
        thread.interrupt();
        try {
            thread.join(RETRY.toMillis() * 20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (running) {
            if (leaseHeld.getAsBoolean()) {
                connectAndStream();
            }
            try {
                Thread.sleep(RETRY);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void connectAndStream() {
        PgControlConfig c = config.get();
        try {
            if (!runsAsPrimary(c)) {
                report("waiting: PostgreSQL is not a primary");
                return;
            }
            try (GateSession s = GateSession.open(c)) {
                session = s;
                if (!running) {
                    return;
                }
                String why = s.stream(() -> {
                    boolean held = leaseHeld.getAsBoolean();
                    if (held && !open) {
                        open = true;
                        report("open: commits are acknowledged while the lease holds");
                    }
                    return held;
                });
                report("closed: " + why);
            }
        } catch (SQLException | RuntimeException e) {
            report(open ? "closed: connection lost: " + e.getMessage()
                    : "cannot connect, commits wait: " + e.getMessage());
        } finally {
            open = false;
            session = null;
        }
    }

    /**
     * Whether the local server is a primary; also records whether it requires the gate ({@link #inEffect()}),
     * as the server itself reports synchronous_standby_names: a value raftgres did not render (an
     * {@code ALTER SYSTEM}, a reload not yet done) must not pass for a working gate. (A cluster-wide
     * synchronous_commit that waits for no standby is refused at configuration load, {@link #conflict}; this
     * probe session's own is {@code local}, so the server cannot be asked here.)
     */
    private boolean runsAsPrimary(PgControlConfig c) throws SQLException {
        try (Connection conn = new JdbcSessions(c).local(JdbcSessions.PROBE);
             Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("select pg_is_in_recovery(), current_setting('synchronous_standby_names')")) {
            if (!rs.next()) {
                return false;
            }
            boolean required = StandbyNames.parse(rs.getString(2)).map(StandbyNames::requiresGate).orElse(false);
            if (required != inEffect) {
                report(required ? "in effect: PostgreSQL requires it for every commit"
                        : "NOT in effect: PostgreSQL reports synchronous_standby_names '" + rs.getString(2)
                        + "'; a lapse of the lease stops PostgreSQL at once");
            }
            inEffect = required;
            return !rs.getBoolean(1);
        }
    }

    /**
     * Whether PostgreSQL required the gate for every commit when the gate last checked (before each
     * connection), and the gate still runs. Only then may a lapse of the lease leave PostgreSQL running
     * behind the closed gate (the agent's lapse rule); false before the first check.
     */
    public boolean inEffect() {
        return inEffect && running && thread.isAlive();
    }

    /** Logs a change of the gate's state once (a failing reconnect every 100 ms is not repeated). */
    private synchronized void report(String what) {
        if (!what.equals(lastReport)) {
            lastReport = what;
            LOG.info("lease gate {}", what);
        }
    }
}
