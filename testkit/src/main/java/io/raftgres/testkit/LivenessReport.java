package io.raftgres.testkit;

import io.raftgres.core.decide.Decision;
import io.raftgres.core.decide.Reason;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The end-of-run liveness verdict: after healing and a calm period there should be exactly one
 * writable primary, holding the VIP and the lease, and every other member a running replica
 * streaming from it on its timeline. A member may be legitimately stuck when the configuration
 * tells the decider to leave it alone (diverged without rewind or re-clone, foreign data); then
 * {@link #isLegitimatelyStuck()} is true and {@link #problems()} say why.
 */
public record LivenessReport(String primary, List<String> problems, boolean legitimatelyStuck) {

    private static final Set<Reason> LEGITIMATELY_STUCK = Set.of(Reason.DIVERGED_STUCK, Reason.REWIND_FAILED_STUCK,
            Reason.FOREIGN_DATA_DIRECTORY);

    public LivenessReport {
        problems = List.copyOf(problems);
    }

    public boolean isHealthy() {
        return problems.isEmpty();
    }

    public boolean isLegitimatelyStuck() {
        return legitimatelyStuck;
    }

    /** Stuck by the decider's rule after a failed pg_rewind (see remove_data_directory_on_rewind_failure). */
    public boolean isStuckAfterRewindFailure() {
        return legitimatelyStuck && problems.stream().anyMatch(p -> p.contains("pg_rewind failed"));
    }

    static LivenessReport of(List<String> nodes, Map<String, FakePostgres> postgres, Map<String, SimAgent> agents,
                             SimulatedRaft raft) {
        List<String> writable = nodes.stream().filter(n -> postgres.get(n).isWritable()).toList();
        List<String> problems = new ArrayList<>();
        boolean allLegit = true;
        if (writable.size() != 1) {
            problems.add("expected exactly one writable primary, found " + writable);
            allLegit = false;
        }
        String primary = writable.size() == 1 ? writable.getFirst() : null;
        if (primary != null) {
            if (!agents.get(primary).vip().isPresent()) {
                problems.add(primary + " is the primary but does not hold the VIP");
                allLegit = false;
            }
            if (!raft.view(primary).isLeaderWithLease()) {
                problems.add(primary + " is the primary but not the Raft leader with a lease");
                allLegit = false;
            }
        }
        for (String node : nodes) {
            if (node.equals(primary)) {
                continue;
            }
            FakePostgres pg = postgres.get(node);
            boolean following = primary != null && pg.isStandby() && primary.equals(pg.upstream()) && pg.isStreaming()
                    && pg.timeline() == postgres.get(primary).timeline();
            if (!following) {
                Decision last = agents.get(node).lastDecision();
                problems.add(node + " is not a streaming replica of " + primary + " (" + pg + "); last decision: "
                        + (last == null ? "none" : last.reason() + " " + last.summary()));
                allLegit &= last != null && LEGITIMATELY_STUCK.contains(last.reason());
            }
        }
        return new LivenessReport(primary, problems, !problems.isEmpty() && allLegit);
    }

    @Override
    public String toString() {
        return problems.isEmpty() ? "healthy: primary " + primary
                : (legitimatelyStuck ? "legitimately stuck: " : "NOT LIVE: ") + String.join("; ", problems);
    }
}
