package io.raftgres.core.decide;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.PgRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.sync.PromotionRule;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the member that should become primary when the leader key does not name the Raft
 * leader (ARCHITECTURE §4). Candidates are members that published their state in the current
 * Raft term (so their WAL position was read after the old primary was lost, and they can reach
 * a majority), are not tagged nofailover, have a usable watchdog if required, run PostgreSQL as
 * a replica (or are the former primary, stopped on the leader's timeline), and do not lag more
 * than {@code maximum_lag_on_failover} behind the last known primary position. The former
 * primary, stopped on the leader key's timeline (not after a failed start), wins when no
 * candidate is more than {@link #SHUTDOWN_RECORD_SLACK} bytes ahead of it: a cleanly stopped
 * primary reports the start of its shutdown checkpoint record and a replica that received that
 * record the end of what it replayed, so ranking by position alone promoted a replica after a
 * planned restart of all members and sent the old primary to pg_rewind for nothing. A candidate
 * further ahead holds WAL the former primary lacks (its data directory may be a replica's, which
 * a record does not tell), so positions decide then. Self and records use the same test, so the
 * Raft leader and the member it hands leadership to agree. Otherwise the
 * highest received WAL position wins; ties go to the higher failover_priority, then to this member
 * (no pointless transfer), then by name. Under synchronous replication only members the published
 * state proves to hold every acknowledged commit qualify ({@link PromotionRule}).
 *
 * <p>Deviation from ARCHITECTURE §4 ("ask candidates over REST"): positions come from records
 * the candidates committed through Raft in the current term. They are as fresh as a REST probe
 * (published when the member sees the new leader) and prove the candidate reaches a majority,
 * which a REST answer does not.
 */
final class CandidateSelector {

    /**
     * How far ahead of a stopped former primary another candidate may be and still be taken for
     * the same WAL: a shutdown checkpoint record (about 120 bytes) plus a page header it may cross.
     */
    static final long SHUTDOWN_RECORD_SLACK = 512;

    /** The outcome: a winner, a reason to wait, or none with the reason. */
    record Choice(Optional<String> winner, boolean waitForFresh, String why) { }

    private final DeciderConfig config;

    CandidateSelector(DeciderConfig config) {
        this.config = config;
    }

    Choice choose(ClusterState state, RaftView raft, LocalPgState local, long nowMillis) {
        return choose(state, raft, local, nowMillis, Set.of());
    }

    /**
     * As above, never choosing a member in {@code silent}: its agent has not reported within the
     * member TTL, so its record (even one from this term) may describe a dead host.
     */
    Choice choose(ClusterState state, RaftView raft, LocalPgState local, long nowMillis, Set<String> silent) {
        String me = config.memberName();
        LeaderRecord leader = state.leader();
        Lsn optime = state.lastPrimaryPosition();
        long maxLag = state.config().maximumLagOnFailover();
        List<Candidate> candidates = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        boolean someoneStale = false;
        Candidate self = selfCandidate(local, leader);
        if (self != null) {
            candidates.add(self);
        } else {
            excluded.add(me + " (" + selfExclusion(local) + ")");
        }
        for (MemberRecord m : state.members().values()) {
            if (m.name().equals(me)) {
                continue;
            }
            if (m.term() != raft.term()) {
                // The previous leader whose silence of election_timeout_min made me campaign is not waited for:
                // it published nothing since, and if it comes back it is not a candidate before it has.
                someoneStale |= !m.name().equals(raft.silentLeader());
                excluded.add(m.name() + " (no state published in term " + raft.term() + ")");
            } else if (silent.contains(m.name())) {
                excluded.add(m.name() + " (no report within the member TTL)");
            } else if (!m.tags().canFailover() || m.watchdogFailed()) {
                excluded.add(m.name() + (m.watchdogFailed() ? " (watchdog failed)" : " (nofailover)"));
            } else if (isViable(m, leader)) {
                candidates.add(new Candidate(m.name(), m.receiveLsn(), m.tags().failoverPriority(), false,
                        isResumablePrimary(m, leader)));
            } else {
                excluded.add(m.name() + " (PostgreSQL " + m.state() + ")");
            }
        }
        if (someoneStale && nowMillis - raft.leaderSinceMillis() < config.freshnessWaitMillis()) {
            return new Choice(Optional.empty(), true, "waiting for all members to publish their state in term "
                    + raft.term());
        }
        Map<String, Lsn> fresh = freshPositions(state, raft, local, silent, self);
        List<Candidate> withinLag = new ArrayList<>();
        for (Candidate c : candidates) {
            long lag = optime == null ? 0 : c.position().lagBehind(optime);
            var refusal = PromotionRule.check(state.sync(), leader, c.name(), fresh);
            if (lag > maxLag) {
                excluded.add(c.name() + " (lags " + lag + " bytes, limit " + maxLag + ")");
            } else if (refusal.isPresent()) {
                excluded.add(c.name() + " (" + refusal.get().why() + ")");
            } else {
                withinLag.add(c);
            }
        }
        Optional<String> winner = preferFormerPrimary(withinLag).stream().min(BEST_FIRST).map(Candidate::name);
        return new Choice(winner, false, winner.isPresent() ? "" : "no candidate qualifies: " + String.join(", ", excluded));
    }

    /** Keeps the former-primary mark only where no candidate is further ahead than the slack. */
    private static List<Candidate> preferFormerPrimary(List<Candidate> candidates) {
        Optional<Lsn> best = candidates.stream().map(Candidate::position).max(Comparator.naturalOrder());
        return candidates.stream().map(c -> c.formerPrimary()
                && c.position().lagBehind(best.orElseThrow()) > SHUTDOWN_RECORD_SLACK ? c.unmarked() : c).toList();
    }

    private static final Comparator<Candidate> BEST_FIRST = Comparator
            .comparing(Candidate::formerPrimary, Comparator.reverseOrder())
            .thenComparing(Candidate::position, Comparator.reverseOrder())
            .thenComparing(Candidate::priority, Comparator.reverseOrder())
            .thenComparing(Candidate::self, Comparator.reverseOrder())
            .thenComparing(Candidate::name);

    /**
     * WAL positions read in this term: records published in it by reporting members, and this member's own.
     * From feature level 10 another member's position counts only when it is final
     * ({@link MemberRecord#positionFinal}): a replica still streaming from the leader key's member may
     * confirm that member's commits after it published (an orphaned primary without the lease gate,
     * quorum mode), so a candidate at or past its published position could still lack one.
     */
    private Map<String, Lsn> freshPositions(ClusterState state, RaftView raft, LocalPgState local, Set<String> silent,
                                            Candidate self) {
        Map<String, Lsn> fresh = new HashMap<>();
        boolean finalOnly = state.featureLevel() >= FeatureLevel.FINAL_POSITIONS;
        for (MemberRecord m : state.members().values()) {
            if (m.term() == raft.term() && !silent.contains(m.name()) && !m.name().equals(config.memberName())
                    && (!finalOnly || m.positionFinal())) {
                fresh.put(m.name(), m.receiveLsn());
            }
        }
        if (local.running() || self != null) {
            fresh.put(config.memberName(), local.writeLsn());
        }
        return fresh;
    }

    private Candidate selfCandidate(LocalPgState local, LeaderRecord leader) {
        if (!config.tags().canFailover() || config.watchdogFailed() || local.watchdogUnusable()) {
            return null;
        }
        boolean formerPrimary = leader != null && leader.member().equals(config.memberName());
        boolean viable = local.isRunningReplica()
                || (formerPrimary && local.hasDataDirectory() && !local.inRecovery()
                && local.timeline() >= leader.timeline());
        boolean resumable = formerPrimary && !local.running() && !local.activity().isBusy()
                && local.failedActivity() != io.raftgres.core.model.Activity.STARTING && local.timeline() > 0;
        return viable ? new Candidate(config.memberName(), local.writeLsn(), config.tags().failoverPriority(), true,
                resumable) : null;
    }

    private String selfExclusion(LocalPgState local) {
        if (!config.tags().canFailover()) {
            return "nofailover";
        }
        if (config.watchdogFailed() || local.watchdogUnusable()) {
            return "watchdog required but cannot be armed";
        }
        return local.running() ? "not a replica" : "PostgreSQL not running";
    }

    /** A running replica, or the former primary stopped on the leader's timeline. */
    private static boolean isViable(MemberRecord m, LeaderRecord leader) {
        if (m.role() == PgRole.REPLICA && "running".equals(m.state())) {
            return true;
        }
        return leader != null && leader.member().equals(m.name()) && m.role() == PgRole.STOPPED
                && m.timeline() >= leader.timeline() && m.timeline() > 0;
    }

    /**
     * The leader key's member, published as stopped (not after a failed start) on the leader
     * key's timeline: if it last ran as that primary it holds every WAL record of the timeline and
     * resumes without a new one. The same test as for this member itself in {@link #selfCandidate}.
     */
    private static boolean isResumablePrimary(MemberRecord m, LeaderRecord leader) {
        return leader != null && leader.member().equals(m.name()) && m.role() == PgRole.STOPPED
                && "stopped".equals(m.state()) && m.timeline() >= leader.timeline() && m.timeline() > 0;
    }

    private record Candidate(String name, Lsn position, int priority, boolean self, boolean formerPrimary) {
        Candidate unmarked() {
            return new Candidate(name, position, priority, self, false);
        }
    }
}
