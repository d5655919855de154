package io.raftgres.agent;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client inserting one row every {@code periodMillis} into {@code acked(id)} through a
 * multi-host URL that finds the primary (as an application behind a load balancer would), on its
 * own thread, for at most {@code maxMillis}. It remembers every id whose insert was acknowledged
 * and when, so a test can check that none is lost and measure the gaps without a successful write.
 */
final class AckedWriter implements AutoCloseable {

    record Ack(long id, long atNanos) { }

    private final String url;
    private final long periodMillis;
    private final long maxMillis;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Ack> acks = new ArrayList<>();
    private final Thread thread;

    AckedWriter(LocalAgentCluster cluster, long periodMillis, long maxMillis) throws SQLException {
        StringBuilder hosts = new StringBuilder();
        for (LocalAgentCluster.Member m : cluster.members()) {
            hosts.append(hosts.isEmpty() ? "" : ",").append("127.0.0.1:").append(m.pgPort());
        }
        this.url = "jdbc:postgresql://" + hosts + "/postgres?targetServerType=primary&connectTimeout=1"
                + "&socketTimeout=3&loginTimeout=3";
        this.periodMillis = periodMillis;
        this.maxMillis = maxMillis;
        createTable();
        this.thread = new Thread(this::run, "acked-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Creates the table, trying for up to 30 s (a loaded machine may answer slowly at first). */
    private void createTable() throws SQLException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                s.execute("create table if not exists acked(id bigint primary key)");
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, "postgres", LocalAgentCluster.PASSWORD);
    }

    private void run() {
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        long next = 1;
        Connection c = null;
        while (running.get() && System.nanoTime() < deadline) {
            try {
                if (c == null) {
                    c = connect();
                }
                try (Statement s = c.createStatement()) {
                    s.execute("insert into acked values (" + next + ")");
                }
                synchronized (acks) {
                    acks.add(new Ack(next, System.nanoTime()));
                }
                next++;
            } catch (SQLException e) {
                // Unacknowledged: it may or may not be there; the next id is a new row either way.
                next++;
                closeQuietly(c);
                c = null;
            }
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                break;
            }
        }
        closeQuietly(c);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing a broken connection
            }
        }
    }

    List<Ack> acks() {
        synchronized (acks) {
            return List.copyOf(acks);
        }
    }

    /** The longest time without an acknowledged write between {@code fromNanos} and {@code toNanos}, in ms. */
    long longestGapMillis(long fromNanos, long toNanos) {
        long prev = fromNanos;
        long gap = 0;
        for (Ack a : acks()) {
            if (a.atNanos() < fromNanos) {
                continue;
            }
            if (a.atNanos() > toNanos) {
                gap = Math.max(gap, a.atNanos() - prev);
                prev = toNanos;
                break;
            }
            gap = Math.max(gap, a.atNanos() - prev);
            prev = a.atNanos();
        }
        return Math.max(gap, toNanos - prev) / 1_000_000;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
