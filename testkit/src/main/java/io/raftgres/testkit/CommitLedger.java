package io.raftgres.testkit;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.SyncMode;
import io.raftgres.core.sync.StandbyNames;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Which commits a client saw acknowledged, and whether a new primary still has them.
 *
 * <p>After every event the ledger asks each writable {@link FakePostgres} how far PostgreSQL would
 * have released commit waiters under the synchronous_standby_names it runs with:
 * <ul>
 *   <li>no replica listed: at its own flush, and with the lease gate listed only while the gate
 *       confirms (its agent holds the primary role with a valid lease and, in a synchronous mode,
 *       published its own state for the term, as {@code SyncReplication.gateMayAcknowledge});</li>
 *   <li>{@code FIRST k (...)}: the lowest flush among the listed names, once every one confirms
 *       (raftgres lists exactly the required names);</li>
 *   <li>{@code ANY k (...)}: the k-th highest flush among the listed names.</li>
 * </ul>
 * A replica confirms its own position ({@link #confirmedFlush}) while it streams from the primary
 * over a connected link and its WAL is a prefix of the primary's. Commits are released in WAL order,
 * so one position per timeline branch ({@link WalHistory.Segment}) stands for every acknowledged
 * commit on it; positions only rise.
 *
 * <p>Whenever a server becomes the writable primary on a new branch (a promotion, or a restart as
 * primary), every acknowledged position must lie in its history. A miss is <em>asserted</em>
 * ({@link #check} returns it) for commits acknowledged while the cluster's {@code synchronous_mode}
 * was on or quorum, and only <em>reported</em> ({@link #losses}) for those acknowledged
 * asynchronously; once reported a branch's position is lowered to what survived, so each loss is
 * counted once.
 *
 * <p>Threading: single-threaded.
 */
final class CommitLedger {

    /** One acknowledged position that a new primary does not have. */
    record Loss(String primary, WalHistory.Segment branch, Lsn acknowledged, Lsn kept, boolean synchronous) {
        @Override
        public String toString() {
            return primary + " lacks commits acknowledged " + (synchronous ? "synchronously" : "asynchronously")
                    + " on " + branch + " up to " + acknowledged + " (it has them up to " + kept + ")";
        }
    }

    private final List<String> nodes;
    private final Map<String, FakePostgres> postgres;
    private final SimulatedNetwork network;
    private final SimulatedRaft raft;
    private final Function<String, BooleanSupplier> gateConfirms;
    private final BooleanSupplier gate;
    /** Highest position acknowledged on each branch, and the part of it acknowledged synchronously. */
    private final Map<WalHistory.Segment, Lsn> acknowledged = new HashMap<>();
    private final Map<WalHistory.Segment, Lsn> synchronous = new HashMap<>();
    private final Map<String, WalHistory.Segment> checkedBranch = new HashMap<>();
    private final List<Loss> losses = new ArrayList<>();

    /**
     * @param gateConfirms per member: whether its lease gate confirms now
     * @param gate         the lease gate is on (listed in every synchronous_standby_names)
     */
    CommitLedger(List<String> nodes, Map<String, FakePostgres> postgres, SimulatedNetwork network, SimulatedRaft raft,
                 Function<String, BooleanSupplier> gateConfirms, BooleanSupplier gate) {
        this.nodes = List.copyOf(nodes);
        this.postgres = postgres;
        this.network = network;
        this.raft = raft;
        this.gateConfirms = gateConfirms;
        this.gate = gate;
    }

    /**
     * Records what each writable primary acknowledged by now, then checks a primary new on its
     * branch; returns the first loss of a synchronously acknowledged commit, else null.
     */
    Loss check() {
        Loss violation = null;
        for (String node : nodes) {
            FakePostgres pg = postgres.get(node);
            if (!pg.isWritable()) {
                checkedBranch.remove(node);
                continue;
            }
            WalHistory.Segment branch = pg.history().getLast();
            if (!branch.equals(checkedBranch.get(node))) {
                checkedBranch.put(node, branch);
                Loss loss = verify(pg);
                violation = violation != null ? violation : loss;
            }
            record(node, pg, branch);
        }
        return violation;
    }

    /** Losses of asynchronously acknowledged commits seen so far (expected with synchronous_mode off). */
    List<Loss> losses() {
        return List.copyOf(losses);
    }

    /** Branches with commits acknowledged while a synchronous mode was in effect. */
    int synchronousBranches() {
        return synchronous.size();
    }

    /** Acknowledged positions, one per branch, oldest branch first. */
    Map<WalHistory.Segment, Lsn> acknowledged() {
        Map<WalHistory.Segment, Lsn> out = new java.util.TreeMap<>(Comparator.comparing(WalHistory.Segment::start)
                .thenComparing(WalHistory.Segment::timeline).thenComparing(WalHistory.Segment::branch));
        out.putAll(acknowledged);
        return out;
    }

    /**
     * The flush position {@code standby} confirms to {@code primary} now, or null when it confirms
     * nothing: it must stream from it (running in recovery, configured upstream), over a link that
     * works both ways, with WAL that is a prefix of the primary's.
     */
    static Lsn confirmedFlush(FakePostgres primary, FakePostgres standby, SimulatedNetwork network) {
        if (standby == primary || !standby.isStandby() || !primary.name().equals(standby.upstream())
                || !network.isConnected(primary.name(), standby.name())
                || !WalHistory.canStream(standby.history(), standby.writeLsn(), primary.history(), primary.writeLsn())) {
            return null;
        }
        return standby.writeLsn();
    }

    private void record(String node, FakePostgres pg, WalHistory.Segment branch) {
        Lsn released = released(node, pg);
        if (released == null) {
            return;
        }
        acknowledged.merge(branch, released, CommitLedger::max);
        ClusterState state = raft.committedState(node);
        if (state.featureLevel() >= FeatureLevel.SYNC_REPLICATION && state.config().sync().mode() != SyncMode.OFF) {
            synchronous.merge(branch, released, CommitLedger::max);
        }
    }

    /** How far PostgreSQL on {@code node} releases commit waiters now, or null for not at all. */
    private Lsn released(String node, FakePostgres pg) {
        boolean withGate = gate.getAsBoolean();
        StandbyNames names = SimSyncReplication.namesOf(pg, withGate);
        List<Lsn> confirmed = new ArrayList<>();
        if (names.gate() && gateConfirms.apply(node).getAsBoolean()) {
            confirmed.add(pg.writeLsn());
        }
        if (names.mode() == SyncMode.OFF) {
            return names.gate() ? (confirmed.isEmpty() ? null : pg.writeLsn()) : pg.writeLsn();
        }
        for (String replica : names.replicas()) {
            FakePostgres standby = postgres.get(replica);
            Lsn flushed = standby == null ? null : confirmedFlush(pg, standby, network);
            if (flushed != null) {
                confirmed.add(flushed);
            }
        }
        int required = names.count() + (names.gate() ? 1 : 0);
        if (confirmed.size() < required) {
            return null;
        }
        confirmed.sort(Comparator.reverseOrder());
        Lsn kth = confirmed.get(required - 1);
        return kth.isAfter(pg.writeLsn()) ? pg.writeLsn() : kth;
    }

    /** Every acknowledged position must be in {@code pg}'s history as of its position now. */
    private Loss verify(FakePostgres pg) {
        Loss violation = null;
        for (var entry : new ArrayList<>(acknowledged.entrySet())) {
            WalHistory.Segment branch = entry.getKey();
            Lsn kept = keptOn(pg, branch);
            if (!entry.getValue().isAfter(kept)) {
                continue;
            }
            Lsn sync = synchronous.get(branch);
            boolean syncLost = sync != null && sync.isAfter(kept);
            Loss loss = new Loss(pg.name(), branch, syncLost ? sync : entry.getValue(), kept, syncLost);
            if (syncLost) {
                violation = violation != null ? violation : loss;
            } else {
                losses.add(loss);
                acknowledged.put(branch, kept);
            }
        }
        return violation;
    }

    /** How much of {@code branch} is in {@code pg}'s history: up to where it left it, else nothing. */
    private static Lsn keptOn(FakePostgres pg, WalHistory.Segment branch) {
        List<WalHistory.Segment> history = pg.history();
        int i = history.indexOf(branch);
        if (i < 0) {
            return branch.start();
        }
        return i == history.size() - 1 ? pg.writeLsn() : history.get(i + 1).start();
    }

    private static Lsn max(Lsn a, Lsn b) {
        return a.isAfter(b) ? a : b;
    }
}
