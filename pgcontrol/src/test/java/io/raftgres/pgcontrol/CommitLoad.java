package io.raftgres.pgcontrol;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Clients that commit one autocommit insert after another (default synchronous_commit, so each waits
 * for the synchronous standby) and record, for every commit, when it was issued, when it was answered
 * and whether it succeeded. A client stops at its first error or after 60 s. Test helper.
 */
final class CommitLoad implements AutoCloseable {

    /** One commit: monotonic times of the request and of the answer, and whether it was a success. */
    record Outcome(long issuedNanos, long answeredNanos, boolean acknowledged, String error) {
    }

    private static final Duration MAX_RUN = Duration.ofSeconds(60);

    private final PgCtlPostgresControl pg;
    private final List<Thread> clients = new ArrayList<>();
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private volatile boolean stopping;

    CommitLoad(PgCtlPostgresControl pg, int clientCount) {
        this.pg = pg;
        for (int i = 0; i < clientCount; i++) {
            clients.add(new Thread(this::commitLoop, "commit-load-" + i));
        }
    }

    void start() {
        clients.forEach(Thread::start);
    }

    private void commitLoop() {
        long deadline = System.nanoTime() + MAX_RUN.toNanos();
        try (Connection c = PgFixture.connect(pg); Statement st = c.createStatement()) {
            while (!stopping && System.nanoTime() - deadline < 0) {
                long issued = System.nanoTime();
                try {
                    st.execute("insert into t default values");
                    outcomes.add(new Outcome(issued, System.nanoTime(), true, null));
                } catch (SQLException e) {
                    outcomes.add(new Outcome(issued, System.nanoTime(), false, e.getMessage()));
                    return;
                }
            }
        } catch (SQLException e) {
            outcomes.add(new Outcome(System.nanoTime(), System.nanoTime(), false, "connect: " + e.getMessage()));
        }
    }

    long acknowledgedCount() {
        return outcomes.stream().filter(Outcome::acknowledged).count();
    }

    List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** Waits until every client stopped (they stop at their first error). */
    void awaitEnd(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        for (Thread t : clients) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " still runs " + max.toMillis() + " ms later");
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        for (Thread t : clients) {
            t.join(5000);
        }
    }
}
