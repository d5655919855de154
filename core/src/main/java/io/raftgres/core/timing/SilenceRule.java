package io.raftgres.core.timing;

import java.time.Duration;
import java.util.Objects;

/**
 * When a follower whose Raft leader has gone silent starts a normal (pre-vote) election itself, instead
 * of waiting for Ratis' follower timer. Pure: the caller passes what the local Raft division reports and
 * a uniform random number; the raft module's detector and the simulation's Raft model both use it.
 *
 * <p><b>Why.</b> Ratis' follower timer sleeps a whole random election timeout {@code T} and only then
 * checks whether the leader was silent for {@code T}; a leader that died just after a check is noticed
 * only at the next one, so detection takes between {@code T} and {@code 2T} (1.5 T on average, about
 * 3.4 s with the default 2000..2500 ms). This rule campaigns as soon as the silence reaches its threshold,
 * {@code election_timeout_min + heartbeat_interval + u * spread}, checked every {@link #POLL} (2.25-2.5 s).
 *
 * <p><b>Why one heartbeat interval more.</b> The other survivor grants the pre-vote only once its own silence
 * reached {@code election_timeout_min}, and the two followers' last contacts with a dying leader differ (by
 * 124 ms in one measured round). A campaign it refuses is worse than none: the refused member becomes a
 * follower again, its silence starts over, and it refuses the other's pre-vote for {@code election_timeout_min}
 * (the demo lost 2.6 s that way). Waiting one heartbeat interval more lets the other's silence catch up.
 *
 * <p><b>Why it is safe.</b> Nothing of the lease's argument (ARCHITECTURE §3, {@link SafetyTiming}) rests on
 * when a follower campaigns. It rests on pre-vote: a voter grants a pre-vote only when it has not heard
 * from its leader for {@code election_timeout_min}, and the campaigning member itself only campaigns after
 * the same silence. This rule never campaigns before that silence (a quick retry after a failed round of the
 * member's own, {@link #leaderlessThresholdMillis}, comes after that round, which began after such a silence),
 * keeps pre-vote (the election it starts is Ratis' normal one, never a forced one), and skips a member that is
 * not a follower or is still appending entries from its leader (Ratis' own conditions). Leader transfer plays
 * no part.
 *
 * <p>The spread keeps the two followers of a dead leader from campaigning in the same instant and
 * splitting the vote; it stays within {@code election_timeout_max}, so the configured range still bounds
 * how long a follower waits for a silent leader (only the quick retry after a failed round of its own is
 * shorter). Ratis' own timer keeps running as the fallback.
 *
 * @param timing the one source of {@code election_timeout_min} and {@code election_timeout_max}
 */
public record SilenceRule(SafetyTiming timing) {

    /** How often the detector asks the Raft division for its leader's silence. */
    public static final Duration POLL = Duration.ofMillis(20);

    /** The widest spread of thresholds above {@code election_timeout_min}. */
    public static final Duration MAX_SPREAD = Duration.ofMillis(300);

    public SilenceRule {
        Objects.requireNonNull(timing, "timing");
    }

    /** Why a verdict was reached; one per branch. */
    public enum Reason {
        /** The member is not a follower (leader, candidate, listener, or not running). */
        NOT_A_FOLLOWER,
        /** The follower knows no leader in its term, for less than the leaderless threshold: an election may be under way. */
        NO_KNOWN_LEADER,
        /** The follower has known no leader in its term for the leaderless threshold: start a pre-vote election. */
        NO_LEADER_ELECTED,
        /** An append from the leader is still being processed: it is not silent. */
        APPEND_IN_PROGRESS,
        /** The leader was heard from more recently than the threshold. */
        LEADER_HEARD,
        /** The leader has been silent for the threshold: start a pre-vote election. */
        LEADER_SILENT
    }

    /** A verdict: whether to campaign now, and why. */
    public record Verdict(Reason reason, boolean campaign) {

        /** One sentence for the log. */
        public String sentence() {
            return switch (reason) {
                case NOT_A_FOLLOWER -> "not a follower";
                case NO_KNOWN_LEADER -> "no known leader in this term yet";
                case NO_LEADER_ELECTED -> "no leader was elected in this term within the threshold: starting a pre-vote"
                        + " election";
                case APPEND_IN_PROGRESS -> "an append from the leader is in progress";
                case LEADER_HEARD -> "the leader was heard from within the threshold";
                case LEADER_SILENT -> "the leader has been silent for the threshold: starting a pre-vote election";
            };
        }
    }

    /**
     * How far above {@code election_timeout_min + heartbeat_interval} thresholds may lie: {@link #MAX_SPREAD},
     * within ET_max (none when the margin already reaches it).
     */
    public Duration spread() {
        Duration range = timing.electionTimeoutMax().minus(timing.electionTimeoutMin()).minus(margin());
        return range.isNegative() ? Duration.ZERO : range.compareTo(MAX_SPREAD) < 0 ? range : MAX_SPREAD;
    }

    /** The lowest silence that campaigns, above {@code election_timeout_min}: one heartbeat interval. */
    public Duration margin() {
        return timing.heartbeatInterval();
    }

    /**
     * A threshold for one stretch of following a leader:
     * {@code election_timeout_min + heartbeat_interval + unit * spread}.
     *
     * @param unit uniform in [0, 1), drawn once per leader contact stretch (after every campaign)
     */
    public long thresholdMillis(double unit) {
        if (!(unit >= 0 && unit < 1)) {
            throw new IllegalArgumentException("unit must lie in [0, 1), found " + unit);
        }
        long threshold = timing.electionTimeoutMin().plus(margin()).toMillis() + (long) (unit * spread().toMillis());
        return Math.min(threshold, timing.electionTimeoutMax().toMillis());
    }

    /**
     * As {@link #thresholdMillis(double)}, split by preference: a member that would likely be chosen as the
     * next primary ({@link #preferred}) draws from the lowest third of the spread, any other from its upper
     * half, so the likely candidate usually campaigns first and no leadership handover follows the election
     * (a leader elected by a handover proves no earlier contact, so it waits the full takeover delay).
     */
    public long thresholdMillis(double unit, boolean preferred) {
        return thresholdMillis(part(unit, preferred));
    }

    /**
     * Received WAL positions closer than this count as the same when ordering the campaign (1 MiB, or
     * {@code maximum_lag_on_failover} when smaller). Replicas publish their position once a loop, each at its
     * own moment, and each member applies the latest records at its own moment: under a steady write load the
     * order of two streaming replicas' published positions flips from record to record and differs between
     * the two survivors' views. Compared exactly, both survivors of a killed primary took themselves for the
     * preferred one in two container runs out of two, campaigned 19 ms apart and split the vote (2.4 s lost).
     */
    public static final long SAME_WAL_BYTES = 1024 * 1024;

    /**
     * Whether {@code me} would likely be chosen as the next primary, judged from the replicated records only:
     * it may fail over, it is a synchronous standby when synchronous replication names some, and among the
     * other members that could (the leader key's holder aside) none last reported a received WAL position
     * more than {@link #SAME_WAL_BYTES} later, or one about the same with a higher failover priority or, at
     * equal priority, a smaller name. At most one member is preferred in a given state, so the survivors of a
     * dead leader do not campaign in the same range and split the vote. A hint for the campaign order, never a
     * safety decision: the new leader still chooses with {@code CandidateSelector}, by exact position.
     */
    public static boolean preferred(io.raftgres.core.model.ClusterState state, String me) {
        var mine = state.members().get(me);
        if (mine == null || !mine.tags().canFailover() || mine.watchdogFailed()) {
            return false;
        }
        var sync = state.sync();
        if (sync != null && sync.mode() != io.raftgres.core.model.SyncMode.OFF && !sync.members().isEmpty()
                && !sync.members().contains(me)) {
            return false;
        }
        String keyHolder = state.leader() == null ? null : state.leader().member();
        long same = Math.min(SAME_WAL_BYTES, Math.max(0, state.config().maximumLagOnFailover()));
        return state.members().values().stream()
                .filter(m -> !m.name().equals(me) && !m.name().equals(keyHolder))
                .filter(m -> m.tags().canFailover() && !m.watchdogFailed())
                .filter(m -> sync == null || sync.mode() == io.raftgres.core.model.SyncMode.OFF
                        || sync.members().isEmpty() || sync.members().contains(m.name()))
                .noneMatch(m -> ahead(m, mine, same));
    }

    /**
     * {@code other} ranks before {@code mine}: more than {@code same} bytes later, or about the same position
     * with a higher priority or, at equal priority, a smaller name.
     */
    private static boolean ahead(io.raftgres.core.model.MemberRecord other, io.raftgres.core.model.MemberRecord mine,
                                 long same) {
        if (other.receiveLsn() == null || mine.receiveLsn() == null) {
            return false;
        }
        if (mine.receiveLsn().lagBehind(other.receiveLsn()) > same) {
            return true;
        }
        if (other.receiveLsn().lagBehind(mine.receiveLsn()) > same) {
            return false;
        }
        int byPriority = Integer.compare(other.tags().failoverPriority(), mine.tags().failoverPriority());
        return byPriority != 0 ? byPriority > 0 : other.name().compareTo(mine.name()) < 0;
    }

    /**
     * The quick retry's threshold, for a follower that knows no leader in the term in which a round of its own
     * just failed: two heartbeat intervals {@code + part * spread} (500-750 ms with the defaults), measured from
     * when it began to know none (its round's end). The caller uses it once until a leader is known again, and
     * {@link #thresholdMillis(double, boolean)} in every other leaderless case (it voted for another member,
     * learned a newer term, restarted): someone else's election may then still be announcing its leader.
     *
     * <p><b>Why.</b> A round fails at once when every other member answered: a refusal, or an error from a peer
     * whose process is gone (its port refuses connections). When both survivors of a dead leader campaign at
     * about the same time they split the vote, both rounds fail so, and Ratis then leaves each one a follower
     * with no leader whose timer sleeps a whole election timeout (2.0-2.5 s) before it tries again. Its own
     * round having failed, no leader came of it; the other survivor's round, started about as early, ended
     * about as early. Two heartbeat intervals leave a winner of another round time to announce itself (a new
     * leader appends at once). The same preference split as {@link #thresholdMillis(double, boolean)} makes the
     * likely candidate go first. (A round that waits for a peer that never answers, a host gone or cut off,
     * ends at its own timeout instead and Ratis starts the next round itself: {@link
     * SafetyTiming#peerRequestTimeout()} says why raftgres does not cut such calls short.)
     *
     * <p><b>Why it does no harm.</b> The round that failed began only after {@code election_timeout_min} of
     * silence, so the retry comes later still. It is Ratis' normal pre-vote election: a voter that still
     * hears from a leader refuses it, and so does a leader elected within the last {@code election_timeout_max}
     * (Ratis' {@code checkLeadership}). When voters that know no leader grant it, the new leader still waits the
     * full takeover delay from its election before it touches another member's primary
     * ({@link SafetyTiming#takeoverDelayWithGate()}).
     */
    public long leaderlessThresholdMillis(double unit, boolean preferred) {
        if (!(unit >= 0 && unit < 1)) {
            throw new IllegalArgumentException("unit must lie in [0, 1), found " + unit);
        }
        return leaderlessMinimum().toMillis() + (long) (part(unit, preferred) * spread().toMillis());
    }

    /** Where in the spread a draw falls: the lowest third for the preferred member, the upper half for others. */
    private static double part(double unit, boolean preferred) {
        return preferred ? unit / 3 : 0.5 + unit / 2;
    }

    /** The lowest leaderless threshold: two heartbeat intervals. */
    private Duration leaderlessMinimum() {
        return timing.heartbeatInterval().multipliedBy(2);
    }

    /**
     * @param follower        the local division is a follower
     * @param leaderKnown     it knows its term's leader
     * @param outstandingOps  appends from the leader still in progress
     * @param silentMillis    how long ago it last heard from the leader; with no known leader, how long it has
     *                        known none in this term
     * @param thresholdMillis from {@link #thresholdMillis(double, boolean)}, or with no known leader from
     *                        {@link #leaderlessThresholdMillis}
     */
    public Verdict judge(boolean follower, boolean leaderKnown, int outstandingOps, long silentMillis,
                         long thresholdMillis) {
        Duration lowest = leaderKnown ? timing.electionTimeoutMin() : leaderlessMinimum();
        if (thresholdMillis < lowest.toMillis()) {
            throw new IllegalArgumentException("threshold " + thresholdMillis + " ms is below " + lowest.toMillis()
                    + " ms");
        }
        if (!follower) {
            return new Verdict(Reason.NOT_A_FOLLOWER, false);
        }
        if (!leaderKnown) {
            return outstandingOps > 0 || silentMillis < thresholdMillis ? new Verdict(Reason.NO_KNOWN_LEADER, false)
                    : new Verdict(Reason.NO_LEADER_ELECTED, true);
        }
        if (outstandingOps > 0) {
            return new Verdict(Reason.APPEND_IN_PROGRESS, false);
        }
        if (silentMillis < thresholdMillis) {
            return new Verdict(Reason.LEADER_HEARD, false);
        }
        return new Verdict(Reason.LEADER_SILENT, true);
    }
}
