package io.raftgres.agent;

import io.raftgres.api.ConfigWrite;
import io.raftgres.ha.AgentIdentity;
import io.raftgres.ha.ClusterStore;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.statemachine.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Submits a REST dynamic-config change as one {@link Command.SetConfig} with compare-and-set
 * (the state machine refuses it when the version moved on). A follower's submission is forwarded
 * to the Raft leader by the store. Logs the committed change once at INFO, naming the changed
 * keys (not their values: a parameter may hold something private).
 */
final class ConfigWriter {
    private static final Logger LOG = LoggerFactory.getLogger("raftgres.config");
    /** Longer than the submitter's own bound, so its outcome normally arrives first. */
    static final long WAIT_MILLIS = 15_000;

    private final AgentIdentity me;
    private final ClusterStore store;

    ConfigWriter(AgentIdentity me, ClusterStore store) {
        this.me = me;
        this.store = store;
    }

    CompletableFuture<ConfigWrite> write(DynamicConfig next, long expectedVersion) {
        DynamicConfig before = store.state().config();
        long term = store.view().term();
        return store.submit(new Command.SetConfig(me.name(), term, next, expectedVersion))
                .orTimeout(WAIT_MILLIS, TimeUnit.MILLISECONDS)
                .handle((result, error) -> {
                    if (error != null) {
                        String why = error.getCause() != null && error instanceof java.util.concurrent.CompletionException
                                ? error.getCause().toString() : error.toString();
                        LOG.warn("dynamic config change not committed: {}", why);
                        return ConfigWrite.unavailable("not committed: " + why);
                    }
                    if (!result.accepted()) {
                        LOG.info("dynamic config change refused: {}", result.rejection());
                        return result.rejection().startsWith("config version is")
                                ? ConfigWrite.conflict(result.rejection() + ": it changed since it was read; "
                                + "GET /config and try again")
                                : ConfigWrite.unavailable("refused: " + result.rejection());
                    }
                    DynamicConfig applied = result.state().config();
                    LOG.info("dynamic config version {} committed through the REST API; changed: {}",
                            applied.version(), changedKeys(before, applied));
                    return ConfigWrite.applied(applied);
                });
    }

    /** Names of the keys whose value differs, e.g. {@code [loop_wait, postgresql.parameters.work_mem]}. */
    static List<String> changedKeys(DynamicConfig a, DynamicConfig b) {
        List<String> out = new ArrayList<>();
        if (a.loopWaitMillis() != b.loopWaitMillis()) out.add("loop_wait");
        if (a.maximumLagOnFailover() != b.maximumLagOnFailover()) out.add("maximum_lag_on_failover");
        if (a.primaryStartTimeoutMillis() != b.primaryStartTimeoutMillis()) out.add("primary_start_timeout");
        if (a.pause() != b.pause()) out.add("pause");
        if (a.usePgRewind() != b.usePgRewind()) out.add("postgresql.use_pg_rewind");
        if (a.useSlots() != b.useSlots()) out.add("postgresql.use_slots");
        if (a.sync().mode() != b.sync().mode()) out.add("synchronous_mode");
        if (a.sync().strict() != b.sync().strict()) out.add("synchronous_mode_strict");
        if (a.sync().nodeCount() != b.sync().nodeCount()) out.add("synchronous_node_count");
        Set<String> names = new TreeSet<>(a.parameters().keySet());
        names.addAll(b.parameters().keySet());
        for (String name : names) {
            if (!java.util.Objects.equals(a.parameters().get(name), b.parameters().get(name))) {
                out.add("postgresql.parameters." + name);
            }
        }
        return out;
    }
}
