package io.raftgres.agent;

import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.PendingChange;
import io.raftgres.core.spi.PostgresControl;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.Upstream;
import io.raftgres.pgcontrol.PgCtlPostgresControl;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A {@link PostgresControl} whose PostgreSQL parameters follow the replicated dynamic config:
 * the cluster-wide {@code postgresql.parameters} merged under the member's local ones. The
 * underlying control is rebuilt when the merged parameters change, so the next start or reload
 * renders them (every member uses the same values, which PostgreSQL requires for settings
 * like max_connections on standbys). A change while PostgreSQL runs is rendered and reloaded
 * by the {@link ParameterReloader} within the cycle that first observes it; parameters needing
 * a restart are then reported by it.
 */
final class DynamicPostgresControl implements PostgresControl {

    private final Supplier<Map<String, String>> clusterParameters;
    private volatile Map<String, String> localParameters;
    private final Function<Map<String, String>, PgCtlPostgresControl> factory;
    private final ParameterReloader reloader;
    private final LongSupplier monotonicMillis;
    private Map<String, String> current;
    private PgCtlPostgresControl delegate;

    DynamicPostgresControl(Supplier<Map<String, String>> clusterParameters, Map<String, String> localParameters,
                           Function<Map<String, String>, PgCtlPostgresControl> factory, ParameterReloader reloader,
                           LongSupplier monotonicMillis) {
        this.clusterParameters = clusterParameters;
        this.localParameters = Map.copyOf(localParameters);
        this.factory = factory;
        this.reloader = reloader;
        this.monotonicMillis = monotonicMillis;
    }

    /** The control for the current parameters; thread-safe. A change queues a reload. */
    synchronized PgCtlPostgresControl current() {
        Map<String, String> merged = new TreeMap<>(clusterParameters.get());
        merged.putAll(localParameters);
        if (delegate == null || !merged.equals(current)) {
            PgCtlPostgresControl previous = delegate;
            current = merged;
            delegate = factory.apply(merged);
            if (previous != null) {
                delegate.inheritRenderedRole(previous);
                reloader.reload(delegate, merged);
            }
        }
        return delegate;
    }

    /**
     * Replaces the member's own {@code postgresql.parameters} ({@code POST /reload}); the HA
     * loop's next observation renders and reloads them like a dynamic-config change, so this
     * thread never reaches PostgreSQL.
     */
    void localParameters(Map<String, String> next) {
        this.localParameters = Map.copyOf(next);
    }

    /** Parameters waiting for a PostgreSQL restart here, with old and new value. */
    Map<String, PendingChange> pendingRestart() {
        return reloader.pending();
    }

    @Override
    public LocalPgState observe() {
        PgCtlPostgresControl control = current();
        LocalPgState local = control.observe();
        Map<String, String> parameters;
        synchronized (this) {
            parameters = current;
        }
        reloader.maybeRefresh(control, parameters, local.running(), monotonicMillis.getAsLong());
        return local;
    }

    @Override public void bootstrap() { current().bootstrap(); }
    @Override public void cloneFrom(Upstream from) { current().cloneFrom(from); }
    @Override public void startPrimary() { current().startPrimary(); }
    @Override public void follow(Upstream upstream, String selfSlot) { current().follow(upstream, selfSlot); }
    @Override public void stop(StopMode mode) { current().stop(mode); }
    @Override public void checkpoint() { current().checkpoint(); }
    @Override public void reserveTimelines(long upTo) { current().reserveTimelines(upTo); }
    @Override public void promote() { current().promote(); }
    @Override public void rewind(Upstream from) { current().rewind(from); }
    @Override public void removeDataDirectory() { current().removeDataDirectory(); }
    @Override public void ensureSlots(Set<String> slotNames) { current().ensureSlots(slotNames); }
}
