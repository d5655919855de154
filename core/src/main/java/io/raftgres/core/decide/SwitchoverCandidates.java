package io.raftgres.core.decide;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.PgRole;

import java.util.Comparator;
import java.util.Optional;
import java.util.Set;

/**
 * Which member may take over from a healthy primary in a switchover, or from none in a manual
 * failover: the one rule both the REST API (412 before anything is written) and the primary's
 * decider (at the time it acts) apply. A candidate is a member other than the primary whose agent
 * reports within the member TTL, that is not tagged nofailover, has no failed watchdog, runs
 * PostgreSQL as a replica and lags no more than {@code maximum_lag_on_failover} behind the last
 * primary position. The best of several is the one with the most WAL, then the higher
 * failover_priority, then by name (the order of {@link CandidateSelector}).
 */
public final class SwitchoverCandidates {

    private static final Comparator<MemberRecord> BEST_FIRST = Comparator
            .comparing(MemberRecord::receiveLsn, Comparator.reverseOrder())
            .thenComparing((MemberRecord m) -> m.tags().failoverPriority(), Comparator.reverseOrder())
            .thenComparing(MemberRecord::name);

    private SwitchoverCandidates() {
    }

    /**
     * Why {@code name} cannot take over from {@code primary} (null: it can).
     *
     * @param primary the member giving up the primary role, or null when there is none
     * @param silent  members whose agent has not reported within the member TTL
     */
    public static String whyNot(ClusterState state, String name, String primary, Set<String> silent) {
        MemberRecord m = state.members().get(name);
        if (m == null) {
            return name + " is not a member of the cluster";
        }
        if (name.equals(primary)) {
            return name + " is the primary already";
        }
        if (silent.contains(name)) {
            return name + " has not reported within the member TTL";
        }
        if (!m.tags().canFailover()) {
            return name + " is tagged nofailover";
        }
        if (m.watchdogFailed()) {
            return name + "'s watchdog is required but failed";
        }
        if (m.role() != PgRole.REPLICA || !"running".equals(m.state())) {
            return name + " does not run PostgreSQL as a replica (" + m.role().name().toLowerCase() + ", "
                    + m.state() + ")";
        }
        Lsn optime = state.lastPrimaryPosition();
        long lag = optime == null ? 0 : m.receiveLsn().lagBehind(optime);
        long limit = state.config().maximumLagOnFailover();
        if (lag > limit) {
            return name + " lags " + lag + " bytes behind the primary, maximum_lag_on_failover is " + limit;
        }
        return null;
    }

    /** The best member to take over from {@code primary}, if any qualifies. */
    public static Optional<String> best(ClusterState state, String primary, Set<String> silent) {
        return state.members().values().stream()
                .filter(m -> whyNot(state, m.name(), primary, silent) == null)
                .min(BEST_FIRST)
                .map(MemberRecord::name);
    }
}
