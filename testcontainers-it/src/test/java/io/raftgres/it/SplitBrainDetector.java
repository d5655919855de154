package io.raftgres.it;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes directly to each member's own PostgreSQL address every 100 ms, bypassing the VIP and
 * any routing, and records which members accepted writes when. A replica refuses (read-only),
 * a fenced primary refuses or does not answer; two members accepting in overlapping windows is
 * split brain (see {@link Acceptances}).
 *
 * <p>With quorum commit its sessions commit with {@code synchronous_commit = local}: a commit is
 * acknowledged once the member flushed it, whatever the cluster's synchronous standbys do. Without that, under
 * quorum commit a deposed primary whose replicas follow the new primary could never acknowledge,
 * and the detector would test PostgreSQL's synchronous replication instead of raftgres' fencing.
 * With it, an old primary that was not fenced <em>would</em> acknowledge. Shown once (4 Dec 2026)
 * on a deliberately broken build, a local hack never committed: the lease guard's check returned
 * at once and the decider's FENCE_LEASE_LOST rule was skipped. partition-primary then failed its
 * split-brain assertion in both modes: with quorum commit, "n2 and n3 both accepted writes between
 * 14369 ms and 45817 ms", the cut-off n2 acknowledging the detector's writes until 40 s after the
 * fault, the new primary n3 from 8.7 s on, while the writer (quorum commit) lost nothing and the
 * old checks passed; asynchronous, the same overlap and 96 acknowledged writes lost.
 *
 * <p>With the lease gate (asynchronous mode) its sessions keep the server's {@code synchronous_commit}
 * (on), as an application's would: a local commit opts out of the gate, and the gate's guarantee is
 * about the commits that wait for it.
 *
 * <p>One thread per member, so a frozen member (connect or read timeout) does not delay the
 * probes of the others. Started and stopped by the test thread; bounded by the duration given
 * to {@link #start}.
 */
public final class SplitBrainDetector implements AutoCloseable {

    private static final Duration INTERVAL = Duration.ofMillis(100);

    private final Map<String, HostPort> members;
    private final ScenarioClock clock;
    private final List<Acceptances.Accepted> accepted = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger phase = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private final boolean localCommits;

    /**
     * @param members      member name to its PostgreSQL address as the test JVM reaches it
     * @param localCommits commit with {@code synchronous_commit = local} (else the server's setting)
     */
    public SplitBrainDetector(Map<String, HostPort> members, ScenarioClock clock, boolean localCommits) {
        this.members = Map.copyOf(members);
        this.clock = clock;
        this.localCommits = localCommits;
    }

    /** Starts probing every member; each probe thread stops by itself after {@code maxDuration}. */
    public synchronized void start(Duration maxDuration) {
        if (!threads.isEmpty()) {
            throw new IllegalStateException("detector already started");
        }
        long deadline = clock.millis() + maxDuration.toMillis();
        members.forEach((name, address) -> threads.add(Thread.ofPlatform().name("raftgres-it-probe-" + name)
                .daemon().start(() -> probe(name, PgTarget.direct(address), deadline))));
    }

    /**
     * Starts a new phase: windows are compared only within a phase. Use it before a planned
     * hand-back to a former primary (switchover back, restart of all members).
     */
    public void newPhase() {
        phase.incrementAndGet();
    }

    public synchronized void stop() throws InterruptedException {
        stopping.set(true);
        long joinMillis = PgTarget.SOCKET_TIMEOUT.plus(PgTarget.CONNECT_TIMEOUT).plusSeconds(2).toMillis();
        for (Thread t : threads) {
            t.join(joinMillis);
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not stop");
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** Everything accepted so far. */
    public Acceptances acceptances() {
        synchronized (accepted) {
            return new Acceptances(accepted);
        }
    }

    private void probe(String member, PgTarget target, long deadlineMillis) {
        Connection connection = null;
        PreparedStatement insert = null;
        long seq = 0;
        while (!stopping.get() && !Thread.currentThread().isInterrupted() && clock.millis() < deadlineMillis) {
            long tickStart = clock.millis();
            try {
                if (connection == null) {
                    connection = target.connect("raftgres-it-probe");
                    if (localCommits) {
                        try (Statement local = connection.createStatement()) {
                            local.execute("SET synchronous_commit = local");
                        }
                    }
                    insert = connection.prepareStatement("INSERT INTO " + Schema.PROBES + " (member, seq) VALUES (?, ?)");
                }
                int currentPhase = phase.get();
                long sent = clock.millis();
                insert.setString(1, member);
                insert.setLong(2, ++seq);
                insert.executeUpdate();
                Acceptances.Accepted a = new Acceptances.Accepted(member, currentPhase, sent, clock.millis());
                synchronized (accepted) {
                    accepted.add(a);
                }
            } catch (SQLException e) {
                // Refused (read-only replica, fenced or unreachable member): exactly what a
                // non-primary should do; reconnect next time.
                Writer.closeQuietly(connection);
                connection = null;
                insert = null;
            }
            clock.sleepUntil(tickStart + INTERVAL.toMillis());
        }
        Writer.closeQuietly(connection);
    }
}
