package io.raftgres.core.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * Cluster-wide configuration, seeded from {@code bootstrap.dcs} and replicated. Times are
 * milliseconds. {@code version} increments on every change and serves compare-and-set.
 *
 * @param loopWaitMillis          HA loop period
 * @param maximumLagOnFailover    bytes a candidate may lag behind the last primary optime
 * @param primaryStartTimeoutMillis how long a crashed primary may take to restart in place before failover
 * @param usePgRewind             rewind a diverged former primary instead of leaving it stopped
 * @param useSlots                one physical replication slot per member on the primary
 * @param parameters              PostgreSQL parameters applied on every member
 * @param pause                   maintenance mode (Patroni's {@code pause}): agents observe and
 *                                publish but start, stop, promote, demote, rewind and clone nothing
 * @param version                 compare-and-set version
 * @param sync                    synchronous_mode, synchronous_mode_strict, synchronous_node_count
 *                                (feature level 5; {@link SyncSettings#OFF} below it)
 */
public record DynamicConfig(long loopWaitMillis, long maximumLagOnFailover, long primaryStartTimeoutMillis,
                            boolean usePgRewind, boolean useSlots, Map<String, String> parameters, boolean pause,
                            long version, SyncSettings sync) {

    public static final DynamicConfig DEFAULT =
            new DynamicConfig(1000, 1_048_576, 300_000, true, true, Map.of(), false, 0);

    /** A configuration with asynchronous replication. */
    public DynamicConfig(long loopWaitMillis, long maximumLagOnFailover, long primaryStartTimeoutMillis,
                         boolean usePgRewind, boolean useSlots, Map<String, String> parameters, boolean pause,
                         long version) {
        this(loopWaitMillis, maximumLagOnFailover, primaryStartTimeoutMillis, usePgRewind, useSlots, parameters,
                pause, version, SyncSettings.OFF);
    }

    /** A configuration that is not paused. */
    public DynamicConfig(long loopWaitMillis, long maximumLagOnFailover, long primaryStartTimeoutMillis,
                         boolean usePgRewind, boolean useSlots, Map<String, String> parameters, long version) {
        this(loopWaitMillis, maximumLagOnFailover, primaryStartTimeoutMillis, usePgRewind, useSlots, parameters,
                false, version);
    }

    public DynamicConfig {
        parameters = Map.copyOf(new TreeMap<>(parameters));
        sync = sync == null ? SyncSettings.OFF : sync;
    }

    public DynamicConfig withVersion(long newVersion) {
        return new DynamicConfig(loopWaitMillis, maximumLagOnFailover, primaryStartTimeoutMillis, usePgRewind,
                useSlots, parameters, pause, newVersion, sync);
    }

    public DynamicConfig withPause(boolean flag) {
        return new DynamicConfig(loopWaitMillis, maximumLagOnFailover, primaryStartTimeoutMillis, usePgRewind,
                useSlots, parameters, flag, version, sync);
    }

    public DynamicConfig withSync(SyncSettings next) {
        return new DynamicConfig(loopWaitMillis, maximumLagOnFailover, primaryStartTimeoutMillis, usePgRewind,
                useSlots, parameters, pause, version, next);
    }
}
