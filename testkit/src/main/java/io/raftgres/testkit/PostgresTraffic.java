package io.raftgres.testkit;

import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The PostgreSQL traffic of a simulation: a client commits to every writable server every
 * 10..50 ms, and every running server ships its WAL position to the standbys configured to
 * stream from it, over the {@link SimulatedNetwork} (a connection needs both directions up).
 *
 * <p>Threading: single-threaded.
 */
final class PostgresTraffic {

    private final EventScheduler scheduler;
    private final SimulatedNetwork network;
    private final RandomGenerator random;
    private final List<String> nodes;
    private final Map<String, FakePostgres> postgres;

    PostgresTraffic(EventScheduler scheduler, SimulatedNetwork network, RandomGenerator random,
                    Map<String, FakePostgres> postgres) {
        this.scheduler = scheduler;
        this.network = network;
        this.random = random;
        this.nodes = network.nodes();
        this.postgres = postgres;
    }

    /** A clean shutdown of {@code primary}: connected standbys streaming from it receive its final WAL. */
    void flushOnShutdown(FakePostgres primary) {
        FakePostgres.WalPosition position = primary.walPosition();
        for (String to : nodes) {
            FakePostgres standby = postgres.get(to);
            if (standby != primary && standby.isStandby() && primary.name().equals(standby.upstream())
                    && network.isConnected(primary.name(), to)) {
                standby.receiveWal(primary.name(), position);
            }
        }
    }

    void start() {
        scheduler.schedule(random.nextLong(10, 51), "client writes and WAL shipping", this::tick);
    }

    private void tick() {
        for (String node : nodes) {
            postgres.get(node).clientWrite(random.nextLong(200, 8_001));
        }
        for (String from : nodes) {
            FakePostgres.WalPosition position = postgres.get(from).walPosition();
            if (position == null) {
                continue;
            }
            for (String to : nodes) {
                FakePostgres standby = postgres.get(to);
                if (!to.equals(from) && standby.isStandby() && from.equals(standby.upstream())
                        && network.isConnected(from, to)) {
                    network.send(from, to, position, p -> standby.receiveWal(from, p));
                }
            }
        }
        start();
    }
}
