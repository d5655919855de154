package io.raftgres.core.sync;

import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.SyncMode;
import io.raftgres.core.model.SyncState;

import java.util.Map;
import java.util.Optional;

/**
 * Which members automatic failover may promote under the published {@link SyncState}. Pure.
 *
 * <ul>
 *   <li>No published state (asynchronous replication): no restriction here.</li>
 *   <li>The former primary (the leader key's member, or the published state's primary) always
 *       qualifies: it acknowledged the commits itself.</li>
 *   <li><b>on</b>: only a member of the published set. Each of them confirmed every acknowledged
 *       commit; an empty set (asynchronous fallback, or a new primary before it chose standbys)
 *       allows no replica.</li>
 *   <li><b>quorum</b>, published (V, q): every acknowledged commit is on at least q members of V.
 *       The positions read in this term (fresh; from feature level 10 only final ones: a replica that
 *       still streams from the former primary is not counted) must cover at least |V| − q + 1 voters: then every
 *       q-subset of V meets the fresh ones, so the most advanced fresh voter holds every
 *       acknowledged commit. The candidate must be a voter at or past that position. Fewer fresh
 *       voters, or an empty V: no replica qualifies.</li>
 * </ul>
 */
public final class PromotionRule {

    /** Why a candidate was refused, one value per branch. */
    public enum Refusal { NOT_SYNC_STANDBY, NO_SYNC_STANDBY_PUBLISHED, NOT_VOTER, TOO_FEW_VOTERS, BEHIND_VOTER }

    /** A refused candidate: the branch and one sentence. */
    public record Verdict(Refusal refusal, String why) { }

    private PromotionRule() {
    }

    /**
     * @param sync      the published state, else null
     * @param leader    the leader key, else null
     * @param candidate the member considered
     * @param fresh     WAL positions read in the current term, by member (the candidate included)
     * @return empty when {@code candidate} may be promoted, else why not
     */
    public static Optional<Verdict> check(SyncState sync, LeaderRecord leader, String candidate,
                                          Map<String, Lsn> fresh) {
        if (sync == null || sync.mode() == SyncMode.OFF) {
            return Optional.empty();
        }
        if (leader != null && leader.member().equals(candidate) || sync.primary().equals(candidate)) {
            return Optional.empty();
        }
        if (sync.members().isEmpty()) {
            return Optional.of(new Verdict(Refusal.NO_SYNC_STANDBY_PUBLISHED, "no synchronous standby is published ("
                    + sync.mode().text() + " mode): only the former primary holds every acknowledged commit"));
        }
        if (!sync.members().contains(candidate)) {
            return Optional.of(sync.mode() == SyncMode.ON
                    ? new Verdict(Refusal.NOT_SYNC_STANDBY, "not a published synchronous standby " + sync.members())
                    : new Verdict(Refusal.NOT_VOTER, "not a published quorum voter " + sync.members()));
        }
        if (sync.mode() == SyncMode.ON) {
            return Optional.empty();
        }
        int needed = sync.members().size() - sync.quorum() + 1;
        long seen = sync.members().stream().filter(fresh::containsKey).count();
        if (seen < needed) {
            return Optional.of(new Verdict(Refusal.TOO_FEW_VOTERS, "only " + seen + " of the voters " + sync.members()
                    + " reported a final position in this term; quorum " + sync.quorum() + " needs " + needed
                    + " to prove a candidate holds every acknowledged commit"));
        }
        Lsn own = fresh.getOrDefault(candidate, Lsn.ZERO);
        for (String voter : sync.members()) {
            Lsn theirs = fresh.get(voter);
            if (theirs != null && theirs.isAfter(own)) {
                return Optional.of(new Verdict(Refusal.BEHIND_VOTER, "behind voter " + voter + " (" + own + " < "
                        + theirs + ")"));
            }
        }
        return Optional.empty();
    }
}
