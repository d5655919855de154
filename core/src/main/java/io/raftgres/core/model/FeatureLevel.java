package io.raftgres.core.model;

/**
 * The replicated feature level (the model is Kafka KRaft's {@code metadata.version}): which
 * commands and which apply rules the whole cluster uses. Every member publishes the highest
 * level its build supports ({@link MemberRecord#maxFeatureLevel}); the Raft leader raises the
 * cluster's level ({@link ClusterState#featureLevel}) with a {@code SetFeatureLevel} command
 * only once every member supports it, and the state machine refuses that command otherwise. A
 * build applies a new command, or a changed apply rule, only at the level that introduced it,
 * so while any member runs an older build every member computes the same state from the same
 * log.
 *
 * <pre>
 * level  introduced
 * 1      the format before feature levels (what an absent field means)
 * 2      SetFeatureLevel; PublishMember must carry its entry's term; the initializer keeps its
 *        role until the first leader key exists, and only it may take that key
 * 3      dynamic config through REST: SetConfig's {@code pause} key (maintenance mode) and
 *        PublishMember's {@code pendingRestart}; below 3 both are dropped at apply (a build
 *        before 3 does not know them) and the API refuses {@code pause: true}
 * 4      switchover: RequestSwitchover, CancelSwitchover, BeginHandover and EndSwitchover, and the
 *        state's {@code switchover} (a ClaimLeader by its target completes it); below 4 the API
 *        refuses a switchover
 * 5      synchronous replication: SetConfig's {@code sync} keys and the SetSyncState command (the
 *        published {@link SyncState}); below 5 the keys are dropped at apply, SetSyncState is
 *        refused, and the API refuses a synchronous_mode other than off
 * 6      scheduled restarts: ScheduleRestart and CancelRestart, and the state's {@code restarts}
 *        (per member); below 6 both commands are refused and the API refuses a schedule
 * 7      timeline branches: a history entry records the leader-key term of its promotion, and
 *        a promotion that reused the last entry's timeline number under a newer leader key is
 *        recorded as a new entry (below 7 it is rejected as "not newer")
 * 8      pause and a switchover's handover exclude each other: SetConfig turning {@code pause} on
 *        is refused while a handover has begun, and the handover's first BeginHandover (naming
 *        its target) is refused while paused (below 8 both are accepted)
 * 9      timeline reservation: the leader key carries the ceiling that promotions reserve up to
 * 10     final positions: PublishMember's {@code upstream} (dropped at apply below 10); a replica
 *        detaches from the leader key's member while another member leads Raft, and quorum-mode
 *        promotion counts only positions that are final ({@code MemberRecord.positionFinal})
 * 11     the VIP's lease window: every member sets its VIP's kernel lifetime only within the window
 *        ({@code SafetyTiming.vipSetWindow}), so a new leader may count on the shorter VIP bound;
 *        below 11 (a member may still renew until its lease's end) a new leader with a VIP that
 *        expires waits as the builds before did: from its election only. No log change.
 * </pre>
 * Upgrade rule: a change to the log format or to apply gets a new level here, is used (submitted)
 * only once the cluster runs that level, and is applied the old way below it. A level may also be a
 * promise about every member's behaviour (11): a rule that counts on it checks the level and that
 * every member record still supports it (a downgraded member publishes a lower maximum).
 */
public final class FeatureLevel {

    /** The level of a cluster or member that never published one. */
    public static final int BASELINE = 1;

    /** From this level on: PublishMember term check, initializer kept until the first leader key. */
    public static final int STRICT_APPLY = 2;

    /** From this level on: SetConfig carries pause, PublishMember carries pendingRestart. */
    public static final int DYNAMIC_CONFIG = 3;

    /** From this level on: switchover commands and the replicated switchover request. */
    public static final int SWITCHOVER = 4;

    /** From this level on: synchronous replication settings and the published {@link SyncState}. */
    public static final int SYNC_REPLICATION = 5;

    /** From this level on: scheduled restarts (ScheduleRestart, CancelRestart, the state's restarts). */
    public static final int SCHEDULED_RESTART = 6;

    /** From this level on: history entries carry their promotion's term; a reused timeline number is recorded. */
    public static final int TIMELINE_BRANCHES = 7;

    /** From this level on: pause is refused during a handover, a handover's first step while paused. */
    public static final int PAUSE_EXCLUDES_HANDOVER = 8;

    /** From this level on: the leader key carries the timeline ceiling that promotions reserve up to. */
    public static final int TIMELINE_RESERVATION = 9;

    /**
     * From this level on: member records carry their upstream, replicas detach from a leader key's
     * member that no longer leads Raft, and quorum-mode promotion counts only final positions.
     */
    public static final int FINAL_POSITIONS = 10;

    /** From this level on: every member sets its VIP's lifetime only within the lease window (the shorter VIP bound). */
    public static final int VIP_LEASE_WINDOW = 11;

    /** The highest level this build supports; every rule of a level applies at that level and above. */
    public static final int LATEST = 11;

    private FeatureLevel() {
    }
}
