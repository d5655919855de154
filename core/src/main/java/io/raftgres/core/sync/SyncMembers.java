package io.raftgres.core.sync;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.SyncMode;
import io.raftgres.core.model.SyncState;

import java.util.Set;
import java.util.TreeSet;

/**
 * The two questions about members that the agent's synchronous loop and the simulation must answer
 * alike. Pure.
 */
public final class SyncMembers {

    private SyncMembers() {
    }

    /**
     * Members that may be synchronous standbys ({@link SyncInput#allowed}): others, not tagged nosync,
     * not {@code silent}, and running as a replica (a clone's pg_basebackup also streams under the
     * member's name).
     */
    public static Set<String> allowed(ClusterState state, String me, Set<String> silent) {
        Set<String> out = new TreeSet<>();
        for (MemberRecord m : state.members().values()) {
            if (!m.name().equals(me) && !m.tags().nosync() && !silent.contains(m.name())
                    && m.role() == PgRole.REPLICA && "running".equals(m.state())) {
                out.add(m.name());
            }
        }
        return out;
    }

    /**
     * The lease gate's second condition: in a synchronous mode it acknowledges only once {@code me}
     * published its own state for {@code term} and the configured mode. Until then nobody outside the
     * old published state is known to hold its commits, so none may be acknowledged.
     */
    public static boolean gateMayAcknowledge(ClusterState state, String me, long term) {
        if (state.featureLevel() < FeatureLevel.SYNC_REPLICATION || state.config().sync().mode() == SyncMode.OFF) {
            return true;
        }
        SyncState published = state.sync();
        return published != null && published.publishedBy(me, term) && published.mode() == state.config().sync().mode();
    }
}
