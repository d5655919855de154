package io.raftgres.core.sync;

import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.SyncMode;
import io.raftgres.core.model.SyncState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides, on the primary, PostgreSQL's {@code synchronous_standby_names} and the published
 * {@link SyncState}, one change per cycle. Pure: no I/O, no clock.
 *
 * <p>The published state is what failover trusts, so it must always be true of every commit
 * PostgreSQL has acknowledged. The ordering rules that keep it true:
 * <ul>
 *   <li>A new term or mode starts by publishing an empty set (CLAIM): only this primary is then
 *       known to hold every commit. With the lease gate, commits wait until this is done (the agent
 *       opens its gate only once its state is published), so a fresh primary acknowledges nothing the
 *       old published state does not cover.</li>
 *   <li><b>on</b>: a standby enters PostgreSQL's list before the published set, and only after it
 *       confirmed a flush at or past the primary's flushed position when the list was written (so it
 *       holds every earlier commit, and PostgreSQL waits for it for every later one). It leaves the
 *       published set before it leaves PostgreSQL's list.</li>
 *   <li><b>quorum</b>: published (V, q) means every acknowledged commit is on at least q members of
 *       V. Before PostgreSQL's list changes to {@code ANY k (W)}, the published state becomes
 *       (V ∪ W, min(q, k)): a superset with a quorum no higher, true of old and new commits alike.
 *       After the change, once k members of W confirmed a flush at or past the position when it was
 *       written, (W, k) is published.</li>
 *   <li>Without the lease gate nothing stops a freshly promoted standby from acknowledging commits
 *       under the list it inherited before it published anything, while failover still trusts the
 *       old published state. So in a synchronous mode a standby without the gate holds
 *       {@link StandbyNames#hold()} (no real standby): once promoted it acknowledges nothing until its
 *       planner published its state and replaced the list.</li>
 *   <li>Strict: with no eligible standby the last list is kept (or a placeholder no standby can
 *       match), so commits wait. Non-strict: the published set is emptied, then PostgreSQL's list
 *       falls back to the gate alone (asynchronous).</li>
 * </ul>
 */
public final class SyncPlanner {

    private SyncPlanner() {
    }

    public static SyncStep plan(SyncInput in) {
        if (!in.primary()) {
            return in.replica() && !in.gate() ? replica(in)
                    : SyncStep.none(SyncReason.NOT_PRIMARY, "not the primary: synchronous replication is the primary's job");
        }
        if (in.featureLevel() < FeatureLevel.SYNC_REPLICATION) {
            StandbyNames want = StandbyNames.async(in.gate());
            if (!in.inPostgres().equals(java.util.Optional.of(want))) {
                return SyncStep.apply(SyncReason.FEATURE_LEVEL_TOO_LOW, "setting synchronous_standby_names to '"
                        + want.render() + "': the cluster's feature level " + in.featureLevel()
                        + " predates synchronous replication", want);
            }
            return SyncStep.none(SyncReason.FEATURE_LEVEL_TOO_LOW, "synchronous replication waits for feature level "
                    + FeatureLevel.SYNC_REPLICATION + " (the cluster runs " + in.featureLevel() + ")");
        }
        SyncMode mode = in.settings().mode();
        if (mode == SyncMode.OFF) {
            return off(in);
        }
        SyncState published = in.published();
        if (published == null || !published.publishedBy(in.me(), in.term()) || published.mode() != mode) {
            return SyncStep.publish(SyncReason.CLAIM, "publishing an empty synchronous set for term " + in.term()
                    + " in mode " + mode.text() + " before choosing standbys", empty(in));
        }
        return mode == SyncMode.ON ? on(in, published) : quorum(in, published);
    }

    /**
     * A standby without the gate: holds {@link StandbyNames#hold()} in a synchronous mode; in off mode
     * (or below level 5) a hold it still carries is reset, so a promotion does not wait a cycle.
     */
    private static SyncStep replica(SyncInput in) {
        boolean sync = in.featureLevel() >= FeatureLevel.SYNC_REPLICATION && in.settings().enabled();
        java.util.Optional<StandbyNames> hold = java.util.Optional.of(StandbyNames.hold());
        if (sync && !in.inPostgres().equals(hold)) {
            return SyncStep.apply(SyncReason.REPLICA_HOLD, "setting synchronous_standby_names to '"
                    + StandbyNames.hold().render() + "' on this standby: once promoted it acknowledges nothing"
                    + " before it published its synchronous state", StandbyNames.hold());
        }
        if (!sync && in.inPostgres().equals(hold)) {
            return SyncStep.apply(SyncReason.REPLICA_HOLD, "synchronous_mode is off: resetting this standby's"
                    + " synchronous_standby_names", StandbyNames.async(false));
        }
        return SyncStep.none(sync ? SyncReason.REPLICA_HOLD : SyncReason.NOT_PRIMARY, sync
                ? "standby without the lease gate: holding synchronous_standby_names until a promotion publishes"
                : "not the primary: synchronous replication is the primary's job");
    }

    private static SyncStep off(SyncInput in) {
        StandbyNames want = StandbyNames.async(in.gate());
        if (!in.inPostgres().equals(java.util.Optional.of(want))) {
            return SyncStep.apply(SyncReason.OFF_APPLY, "synchronous_mode is off: setting synchronous_standby_names to '"
                    + want.render() + "'", want);
        }
        if (in.published() != null) {
            return SyncStep.publish(SyncReason.OFF_CLEAR_PUBLISHED,
                    "synchronous_mode is off: removing the published synchronous state", null);
        }
        return SyncStep.none(SyncReason.OFF_STEADY, "synchronous_mode is off");
    }

    private static SyncStep on(SyncInput in, SyncState published) {
        List<ReplicaRow> eligible = eligible(in, published.members());
        Set<String> current = new TreeSet<>(published.members());
        if (eligible.isEmpty()) {
            if (in.settings().strict()) {
                List<String> keep = in.inPostgres().filter(n -> n.mode() == SyncMode.ON).map(StandbyNames::replicas)
                        .orElse(List.of());
                keep = !keep.isEmpty() ? keep : !current.isEmpty() ? List.copyOf(current)
                        : List.of(StandbyNames.PLACEHOLDER);
                return blocked(in, new StandbyNames(SyncMode.ON, keep, keep.size(), in.gate()));
            }
            return fallback(in, published);
        }
        List<String> chosen = eligible.stream().limit(in.settings().nodeCount()).map(ReplicaRow::name).toList();
        StandbyNames target = new StandbyNames(SyncMode.ON, chosen, chosen.size(), in.gate());
        if (!chosen.containsAll(current)) {
            List<String> kept = current.stream().filter(chosen::contains).toList();
            return SyncStep.publish(SyncReason.PUBLISH_BEFORE_APPLY, "removing " + without(current, chosen)
                    + " from the published synchronous set before PostgreSQL's list changes",
                    state(in, kept, kept.size()));
        }
        if (!in.inPostgres().equals(java.util.Optional.of(target)) || in.appliedAt() == null) {
            return SyncStep.apply(SyncReason.APPLY, "setting synchronous_standby_names to '" + target.render() + "'",
                    target);
        }
        if (!current.equals(new TreeSet<>(chosen))) {
            List<String> waiting = chosen.stream().filter(n -> !current.contains(n) && !confirmed(in, n)).toList();
            if (waiting.isEmpty()) {
                return SyncStep.publish(SyncReason.PUBLISH_CONFIRMED, "publishing synchronous standbys " + chosen
                        + ": each confirmed every commit", state(in, chosen, chosen.size()));
            }
            return SyncStep.none(SyncReason.WAIT_CONFIRMATION, "waiting for " + waiting
                    + " to confirm as synchronous standbys before publishing them");
        }
        return SyncStep.none(SyncReason.STEADY, "synchronous standbys " + chosen + " confirm every commit");
    }

    private static SyncStep quorum(SyncInput in, SyncState published) {
        List<ReplicaRow> eligible = eligible(in, published.members());
        if (eligible.isEmpty()) {
            if (in.settings().strict()) {
                StandbyNames keep = in.inPostgres().filter(n -> n.mode() == SyncMode.QUORUM).orElse(
                        published.members().isEmpty()
                                ? new StandbyNames(SyncMode.QUORUM, List.of(StandbyNames.PLACEHOLDER), 1, in.gate())
                                : new StandbyNames(SyncMode.QUORUM, published.members(),
                                Math.max(1, published.quorum()), in.gate()));
                return blocked(in, keep);
            }
            return fallback(in, published);
        }
        List<String> voters = eligible.stream().map(ReplicaRow::name).sorted().toList();
        int k = Math.min(in.settings().nodeCount(), voters.size());
        StandbyNames target = new StandbyNames(SyncMode.QUORUM, voters, k, in.gate());
        if (!in.inPostgres().equals(java.util.Optional.of(target)) || in.appliedAt() == null) {
            Set<String> union = new TreeSet<>(published.members());
            union.addAll(voters);
            SyncState before = state(in, List.copyOf(union), Math.min(published.quorum(), k));
            if (!same(before, published)) {
                return SyncStep.publish(SyncReason.PUBLISH_BEFORE_APPLY, "publishing voters " + before.members()
                        + " with quorum " + before.quorum() + " before PostgreSQL's list changes", before);
            }
            return SyncStep.apply(SyncReason.APPLY, "setting synchronous_standby_names to '" + target.render() + "'",
                    target);
        }
        SyncState wanted = state(in, voters, k);
        if (!same(wanted, published)) {
            long ready = voters.stream().filter(n -> confirmed(in, n)).count();
            if (ready >= k) {
                return SyncStep.publish(SyncReason.PUBLISH_CONFIRMED, "publishing voters " + voters + " with quorum "
                        + k + ": " + ready + " of them confirmed every commit", wanted);
            }
            return SyncStep.none(SyncReason.WAIT_CONFIRMATION, "waiting for " + (k - ready) + " more of " + voters
                    + " to confirm before publishing quorum " + k);
        }
        return SyncStep.none(SyncReason.STEADY, "any " + k + " of " + voters + " confirm every commit");
    }

    /** Non-strict with no eligible standby: empty the published set first, then the gate alone. */
    private static SyncStep fallback(SyncInput in, SyncState published) {
        StandbyNames async = StandbyNames.async(in.gate());
        String why = "no eligible synchronous standby and synchronous_mode_strict is off: commits are asynchronous";
        if (!published.members().isEmpty()) {
            return SyncStep.publish(SyncReason.FALLBACK_ASYNC, why + "; emptying the published set first", empty(in))
                    .asAsync();
        }
        if (!in.inPostgres().equals(java.util.Optional.of(async))) {
            return SyncStep.apply(SyncReason.FALLBACK_ASYNC, why, async).asAsync();
        }
        return SyncStep.none(SyncReason.FALLBACK_ASYNC, why).asAsync();
    }

    private static SyncStep blocked(SyncInput in, StandbyNames keep) {
        String why = "no eligible synchronous standby and synchronous_mode_strict is on: commits wait until one"
                + " streams again";
        if (!in.inPostgres().equals(java.util.Optional.of(keep))) {
            return SyncStep.apply(SyncReason.STRICT_BLOCKED, why + " (keeping '" + keep.render() + "')", keep);
        }
        return SyncStep.none(SyncReason.STRICT_BLOCKED, why);
    }

    /**
     * Streaming replicas that may be synchronous standbys: in pg_stat_replication under a member's
     * name, allowed (known, no nosync, reporting). Current ones first (kept while healthy), then the
     * most advanced, then by name.
     */
    private static List<ReplicaRow> eligible(SyncInput in, List<String> current) {
        List<ReplicaRow> out = new ArrayList<>();
        for (ReplicaRow row : in.rows()) {
            if (row.streaming() && !row.name().equals(in.me()) && in.allowed().contains(row.name())
                    && out.stream().noneMatch(r -> r.name().equals(row.name()))) {
                out.add(row);
            }
        }
        out.sort(Comparator.comparing((ReplicaRow r) -> !current.contains(r.name()))
                .thenComparing(ReplicaRow::flushLsn, Comparator.reverseOrder())
                .thenComparing(ReplicaRow::name));
        return out;
    }

    /** PostgreSQL counts {@code name} and it flushed everything up to when the list was written. */
    private static boolean confirmed(SyncInput in, String name) {
        Lsn since = in.appliedAt();
        return since != null && in.rows().stream().anyMatch(r -> r.name().equals(name) && r.streaming()
                && r.counted() && !since.isAfter(r.flushLsn()));
    }

    private static SyncState empty(SyncInput in) {
        return new SyncState(in.me(), in.term(), in.settings().mode(), List.of(), 0);
    }

    /** A state of this primary and term; a quorum of 0 or no members is the empty state. */
    private static SyncState state(SyncInput in, List<String> members, int quorum) {
        return quorum <= 0 || members.isEmpty() ? empty(in)
                : new SyncState(in.me(), in.term(), in.settings().mode(), members, quorum);
    }

    private static boolean same(SyncState a, SyncState b) {
        return a.members().equals(b.members()) && a.quorum() == b.quorum() && a.mode() == b.mode();
    }

    private static List<String> without(Set<String> from, List<String> minus) {
        return from.stream().filter(n -> !minus.contains(n)).toList();
    }
}
