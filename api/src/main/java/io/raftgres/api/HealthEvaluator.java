package io.raftgres.api;

import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberTags;

import java.util.Map;

/**
 * Decides whether a member passes a {@link HealthCheck}, from one {@link StatusSnapshot} and
 * nothing else. Pure and stateless: same inputs, same answer; safe from any thread.
 *
 * <p>Rules (Patroni's, on raftgres' inputs):
 * <ul>
 *   <li>primary / leader: {@link StatusSnapshot#leaderWithLease()}; query parameters other than
 *       their validity do not matter.</li>
 *   <li>replica: PostgreSQL runs in recovery, tag {@code noloadbalance} unset, not lagging by
 *       more than {@code lag=} (leader position &gt; replayed + lag), replication state equal
 *       to {@code replication_state=}, and every {@code tag_<k>=<v>} equal to a tag.</li>
 *   <li>read-only: primary or replica.</li>
 *   <li>health: PostgreSQL runs.</li>
 *   <li>async: a replica as above that is not a published synchronous standby or quorum voter,
 *       while the Raft quorum is reachable (Patroni asks its DCS); sync / quorum: a replica as above
 *       that is one; read-only-sync: the primary, while the quorum is reachable.</li>
 *   <li>never: standby-leader checks, and paths Patroni does not know.</li>
 *   <li>liveness: paused, or the last HA cycle ran within {@link #livenessBoundMillis}.</li>
 *   <li>readiness: primary, or a running streaming replica within {@code lag=} (default
 *       maximum_lag_on_failover) of the leader, on the replayed position or, with
 *       {@code mode=write}, the received one.</li>
 * </ul>
 */
final class HealthEvaluator {

    /** Liveness never fails sooner than this, however short loop_wait is. */
    static final long MIN_LIVENESS_BOUND_MILLIS = 10_000;

    private HealthEvaluator() {
    }

    /** Whether {@code snapshot} passes {@code check} at wall-clock time {@code nowMillis}. */
    static boolean passes(HealthCheck check, HealthQuery query, StatusSnapshot snapshot, long nowMillis) {
        return switch (check) {
            case PRIMARY, LEADER -> snapshot.leaderWithLease();
            case REPLICA -> isServingReplica(query, snapshot);
            case READ_ONLY -> snapshot.leaderWithLease() || isServingReplica(query, snapshot);
            case HEALTH -> snapshot.local().running();
            case ASYNC -> snapshot.raft().quorumReachable() && isServingReplica(query, snapshot)
                    && SyncRoles.role(snapshot.cluster(), snapshot.memberName()).isEmpty();
            case SYNC -> snapshot.raft().quorumReachable() && isServingReplica(query, snapshot)
                    && SyncRoles.isSyncStandby(snapshot.cluster(), snapshot.memberName());
            case QUORUM -> snapshot.raft().quorumReachable() && isServingReplica(query, snapshot)
                    && SyncRoles.isQuorumStandby(snapshot.cluster(), snapshot.memberName());
            case READ_ONLY_SYNC -> snapshot.raft().quorumReachable() && snapshot.leaderWithLease();
            case NEVER -> false;
            case LIVENESS -> snapshot.paused()
                    || nowMillis - snapshot.lastLoopMillis() <= livenessBoundMillis(snapshot);
            case READINESS -> snapshot.leaderWithLease() || isReadyReplica(query, snapshot);
        };
    }

    /** How long the HA loop may go without a cycle: three loop_waits, at least 10 s. */
    static long livenessBoundMillis(StatusSnapshot snapshot) {
        return Math.max(MIN_LIVENESS_BOUND_MILLIS, 3 * snapshot.cluster().config().loopWaitMillis());
    }

    /** "streaming" or "in archive recovery" for a running replica, else null. */
    static String replicationState(LocalPgState local) {
        if (!local.isRunningReplica()) {
            return null;
        }
        return local.streaming() ? "streaming" : "in archive recovery";
    }

    private static boolean isServingReplica(HealthQuery query, StatusSnapshot snapshot) {
        LocalPgState local = snapshot.local();
        if (!local.isRunningReplica() || snapshot.tags().noloadbalance()) {
            return false;
        }
        if (query.lagBytes() != null && isLagging(snapshot, WalPositions.orZero(local.replayLsn()), query.lagBytes())) {
            return false;
        }
        if (query.replicationState() != null && !query.replicationState().equals(replicationState(local))) {
            return false;
        }
        return tagsMatch(query.tags(), snapshot.tags());
    }

    private static boolean isReadyReplica(HealthQuery query, StatusSnapshot snapshot) {
        LocalPgState local = snapshot.local();
        if (!local.isRunningReplica() || !local.streaming()) {
            return false;
        }
        long limit = query.lagBytes() != null ? query.lagBytes() : snapshot.cluster().config().maximumLagOnFailover();
        Lsn position = query.receivedMode() ? local.writeLsn() : local.replayLsn();
        return !isLagging(snapshot, WalPositions.orZero(position), limit);
    }

    /** Patroni's test: the leader is more than {@code limit} bytes ahead of {@code position}. */
    private static boolean isLagging(StatusSnapshot snapshot, Lsn position, long limit) {
        return position.lagBehind(WalPositions.leaderPositionSeenBy(snapshot)) > limit;
    }

    private static boolean tagsMatch(Map<String, String> wanted, MemberTags tags) {
        if (wanted.isEmpty()) {
            return true;
        }
        Map<String, String> have = TagViews.forMatching(tags);
        return wanted.entrySet().stream().allMatch(w -> w.getValue().equals(have.get(w.getKey())));
    }
}
