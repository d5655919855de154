package io.raftgres.agent;

import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.spi.PostgresControl;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.Upstream;
import io.raftgres.pgcontrol.PgCtlPostgresControl;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link PostgresControl} whose PostgreSQL parameters follow the replicated dynamic config:
 * the cluster-wide {@code postgresql.parameters} merged under the member's local ones. The
 * underlying control is rebuilt when the merged parameters change, so the next start or reload
 * renders them (every member uses the same values, which PostgreSQL requires for settings
 * like max_connections on standbys).
 */
final class DynamicPostgresControl implements PostgresControl {

    private final Supplier<Map<String, String>> clusterParameters;
    private final Map<String, String> localParameters;
    private final Function<Map<String, String>, PgCtlPostgresControl> factory;
    private Map<String, String> current;
    private PgCtlPostgresControl delegate;

    DynamicPostgresControl(Supplier<Map<String, String>> clusterParameters, Map<String, String> localParameters,
                           Function<Map<String, String>, PgCtlPostgresControl> factory) {
        this.clusterParameters = clusterParameters;
        this.localParameters = Map.copyOf(localParameters);
        this.factory = factory;
    }

    /** The control for the current parameters; thread-safe. */
    synchronized PgCtlPostgresControl current() {
        Map<String, String> merged = new TreeMap<>(clusterParameters.get());
        merged.putAll(localParameters);
        if (delegate == null || !merged.equals(current)) {
            current = merged;
            delegate = factory.apply(merged);
        }
        return delegate;
    }

    @Override public LocalPgState observe() { return current().observe(); }
    @Override public void bootstrap() { current().bootstrap(); }
    @Override public void cloneFrom(Upstream from) { current().cloneFrom(from); }
    @Override public void startPrimary() { current().startPrimary(); }
    @Override public void follow(Upstream upstream, String selfSlot) { current().follow(upstream, selfSlot); }
    @Override public void stop(StopMode mode) { current().stop(mode); }
    @Override public void promote() { current().promote(); }
    @Override public void rewind(Upstream from) { current().rewind(from); }
    @Override public void removeDataDirectory() { current().removeDataDirectory(); }
    @Override public void ensureSlots(Set<String> slotNames) { current().ensureSlots(slotNames); }
}
