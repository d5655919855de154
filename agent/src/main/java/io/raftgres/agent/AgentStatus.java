package io.raftgres.agent;

import io.raftgres.api.AgentFacade;
import io.raftgres.api.ConfigWrite;
import io.raftgres.api.StatusSnapshot;
import io.raftgres.api.WalSenderInfo;
import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.RaftView;
import io.raftgres.pgcontrol.PgCtlPostgresControl;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The agent side of the REST API. Built from the HA loop's last cycle, except the lease,
 * which is read live (cheap) so that /primary turns 503 the moment the lease lapses, not a
 * cycle later. The PostgreSQL extras (wal senders, postmaster start) cost a query and are
 * cached for a second, so frequent load-balancer polls do not load the database.
 */
final class AgentStatus implements AgentFacade {
    private static final long EXTRAS_TTL_MILLIS = 1000;

    private final AgentIdentity me;
    private final HaLoop loop;
    private final ClusterStore store;
    private final PgCtlPostgresControl pg;
    private final LocalTracker tracker;
    private final boolean watchdogFailed;
    private final ConfigWriter configWriter;
    private final MemberLiveness liveness;
    private volatile long raftLastSeenMillis;
    private volatile Extras extras = new Extras(List.of(), null, 0);

    private record Extras(List<WalSenderInfo> replication, Long postmasterStart, long at) { }

    AgentStatus(AgentIdentity me, HaLoop loop, ClusterStore store, PgCtlPostgresControl pg, LocalTracker tracker,
                boolean watchdogFailed, MemberLiveness liveness) {
        this.me = me;
        this.loop = loop;
        this.store = store;
        this.pg = pg;
        this.tracker = tracker;
        this.watchdogFailed = watchdogFailed;
        this.configWriter = new ConfigWriter(me, store);
        this.liveness = liveness;
    }

    @Override
    public CompletableFuture<ConfigWrite> writeConfig(DynamicConfig next, long expectedVersion) {
        return configWriter.write(next, expectedVersion);
    }

    @Override
    public StatusSnapshot snapshot() {
        HaLoop.Cycle cycle = loop.lastCycle();
        RaftView raft = store.view();
        ClusterState state = store.state();
        long now = System.currentTimeMillis();
        if (raft.quorumReachable()) {
            raftLastSeenMillis = now;
        }
        LocalPgState local = cycle == null ? LocalPgState.empty() : cycle.local();
        boolean primary = raft.isLeaderWithLease() && holdsKey(state, raft) && local.isWritablePrimary()
                && tracker.mayBeWritable();
        Extras x = extras(local);
        return new StatusSnapshot(me.scope(), me.name(), me.version(), local, raft, state, primary,
                local.stateText(), x.replication(), me.tags(), watchdogFailed, x.postmasterStart(),
                raftLastSeenMillis, cycle == null ? 0 : cycle.atEpochMillis(), state.paused(), me.apiUrl(), me.pgHost(),
                me.pgPort(), liveness.silent(state, System.nanoTime() / 1_000_000));
    }

    private boolean holdsKey(ClusterState state, RaftView raft) {
        LeaderRecord leader = state.leader();
        return leader != null && leader.member().equals(me.name()) && leader.term() == raft.term();
    }

    private Extras extras(LocalPgState local) {
        Extras current = extras;
        long now = System.currentTimeMillis();
        if (now - current.at() < EXTRAS_TTL_MILLIS) {
            return current;
        }
        List<WalSenderInfo> senders = !local.isWritablePrimary() ? List.of() : pg.walSenders().stream()
                .map(w -> new WalSenderInfo(w.usename(), w.applicationName(), w.clientAddr(), w.state(), w.syncState(),
                        w.syncPriority()))
                .toList();
        Extras next = new Extras(senders, local.running() ? pg.postmasterStartMillis().orElse(null) : null, now);
        extras = next;
        return next;
    }
}
