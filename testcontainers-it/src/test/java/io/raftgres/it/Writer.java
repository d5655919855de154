package io.raftgres.it;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The client of a scenario: inserts rows with increasing ids about every 10 ms through a
 * {@link PgTarget}, each in its own auto-committed statement, and records in a {@link WriteLog}
 * whether and when each commit was acknowledged. After any failure it drops the connection,
 * waits 100 ms and connects afresh (so it follows a failover through the VIP or
 * {@code targetServerType=primary}). Ids are never retried: a failed id's outcome is unknown.
 *
 * <p>Runs on one thread of its own between {@link #start} and {@link #stop}; bounded by the
 * duration given to {@link #start} as well.
 */
public final class Writer implements AutoCloseable {

    private static final Duration INTERVAL = Duration.ofMillis(10);
    private static final Duration RETRY = Duration.ofMillis(100);

    private final String run;
    private final PgTarget target;
    private final ScenarioClock clock;
    private final WriteLog log = new WriteLog();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private Thread thread;

    /**
     * @param run    name of this run (usually the scenario); ids are unique per run, so several
     *               runs can write to one cluster
     * @param target where to write
     * @param clock  the scenario's time axis
     */
    public Writer(String run, PgTarget target, ScenarioClock clock) {
        this.run = run;
        this.target = target;
        this.clock = clock;
    }

    /** Starts writing; the writer stops by itself after {@code maxDuration}. */
    public synchronized void start(Duration maxDuration) {
        if (thread != null) {
            throw new IllegalStateException("writer already started");
        }
        long deadline = clock.millis() + maxDuration.toMillis();
        thread = Thread.ofPlatform().name("raftgres-it-writer").daemon().start(() -> writeUntil(deadline));
    }

    /** Stops writing and waits for the last attempt to finish (bounded by the socket timeout). */
    public synchronized void stop() throws InterruptedException {
        stopping.set(true);
        if (thread != null) {
            thread.join(PgTarget.SOCKET_TIMEOUT.plus(PgTarget.CONNECT_TIMEOUT).plusSeconds(2).toMillis());
            if (thread.isAlive()) {
                throw new IllegalStateException("writer thread did not stop");
            }
        }
    }

    public String run() {
        return run;
    }

    public WriteLog log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void writeUntil(long deadlineMillis) {
        long nextId = 1;
        Connection connection = null;
        PreparedStatement insert = null;
        String server = null;
        while (!stopping.get() && !Thread.currentThread().isInterrupted() && clock.millis() < deadlineMillis) {
            long tickStart = clock.millis();
            try {
                if (connection == null) {
                    connection = target.connect("raftgres-it-writer");
                    server = serverName(connection);
                    insert = connection.prepareStatement("INSERT INTO " + Schema.WRITES + " (run, id) VALUES (?, ?)");
                    insert.setString(1, run);
                }
                long id = nextId++;
                long start = clock.millis();
                try {
                    insert.setLong(2, id);
                    insert.executeUpdate();
                    log.add(new WriteLog.Attempt(id, start, clock.millis(), true, server, null));
                } catch (SQLException e) {
                    log.add(new WriteLog.Attempt(id, start, clock.millis(), false, server, e.getMessage()));
                    throw e;
                }
                clock.sleepUntil(tickStart + INTERVAL.toMillis());
            } catch (SQLException e) {
                closeQuietly(connection);
                connection = null;
                insert = null;
                clock.sleepUntil(clock.millis() + RETRY.toMillis());
            }
        }
        closeQuietly(connection);
    }

    /**
     * The member the connection reached, whatever address it used (member IP or VIP): the
     * container's hostname (n1, n2, ...), which the superuser can read through the server.
     */
    static String serverName(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT btrim(pg_read_file('/etc/hostname'), E' \\n')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Closing a broken connection fails routinely; the failure that broke it is already recorded. */
    static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Expected for a connection whose server is gone; nothing left to release.
        }
    }
}
