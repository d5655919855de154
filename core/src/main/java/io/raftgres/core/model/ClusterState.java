package io.raftgres.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The replicated state of one raftgres cluster, changed only by applying committed commands
 * (see the statemachine module). Immutable: every "with" method returns a new value.
 *
 * @param scope       cluster name
 * @param systemId    PostgreSQL system identifier once initialized, else null
 * @param initializer member that won the initialize race; kept after the system identifier is
 *                    published until a leader key exists, so the new primary is never without an
 *                    owner (the fence rules accept the initializer while there is no leader key)
 * @param initTerm    Raft term of the initializer's claim (a newer leader may take over a stale claim)
 * @param leader      the leader key, else null
 * @param members     member records by name
 * @param config      dynamic configuration
 * @param history     timeline switches, oldest first
 * @param paused      maintenance mode: agents observe and publish but change nothing; always
 *                    {@code config.pause()} (the dynamic config is the one place it is set)
 * @param featureLevel the replicated feature level ({@link FeatureLevel}); 1 for a log or snapshot
 *                    written before feature levels existed
 * @param switchover  the requested switchover or manual failover, else null (level 4 on)
 * @param sync        the published synchronous replication state ({@link SyncState}), else null;
 *                    feature level 5
 * @param restarts    scheduled restarts by member name ({@link ScheduledRestart}); feature level 6
 */
public record ClusterState(String scope, String systemId, String initializer, long initTerm, LeaderRecord leader,
                           SortedMap<String, MemberRecord> members, DynamicConfig config,
                           List<TimelineSwitch> history, boolean paused, int featureLevel, Switchover switchover,
                           SyncState sync, SortedMap<String, ScheduledRestart> restarts) {

    /** A state without scheduled restarts. */
    public ClusterState(String scope, String systemId, String initializer, long initTerm, LeaderRecord leader,
                        SortedMap<String, MemberRecord> members, DynamicConfig config, List<TimelineSwitch> history,
                        boolean paused, int featureLevel, Switchover switchover, SyncState sync) {
        this(scope, systemId, initializer, initTerm, leader, members, config, history, paused, featureLevel, switchover,
                sync, new TreeMap<>());
    }

    /** A state without a switchover request or a published synchronous replication state. */
    public ClusterState(String scope, String systemId, String initializer, long initTerm, LeaderRecord leader,
                        SortedMap<String, MemberRecord> members, DynamicConfig config, List<TimelineSwitch> history,
                        boolean paused, int featureLevel) {
        this(scope, systemId, initializer, initTerm, leader, members, config, history, paused, featureLevel, null, null);
    }

    public ClusterState {
        members = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(members));
        history = List.copyOf(history);
        restarts = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(restarts == null ? Map.of() : restarts));
    }


    /** A state at {@link FeatureLevel#BASELINE}. */
    public ClusterState(String scope, String systemId, String initializer, long initTerm, LeaderRecord leader,
                        SortedMap<String, MemberRecord> members, DynamicConfig config, List<TimelineSwitch> history,
                        boolean paused) {
        this(scope, systemId, initializer, initTerm, leader, members, config, history, paused, FeatureLevel.BASELINE);
    }

    public static ClusterState empty(String scope) {
        return new ClusterState(scope, null, null, 0, null, new TreeMap<>(), DynamicConfig.DEFAULT, List.of(), false);
    }

    public boolean isInitialized() {
        return systemId != null;
    }

    public Optional<LeaderRecord> leaderRecord() {
        return Optional.ofNullable(leader);
    }

    public Optional<MemberRecord> member(String name) {
        return Optional.ofNullable(members.get(name));
    }

    /** Publishes the system identifier; the initializer stays until a leader key exists. */
    public ClusterState withSystemId(String id) {
        return new ClusterState(scope, id, initializer, initTerm, leader, members, config, history, paused, featureLevel, switchover, sync, restarts);
    }

    /**
     * True between the initializer publishing the system identifier and the first leader key:
     * the initializer's primary runs, and only it may take the leader key.
     */
    public boolean awaitsFirstLeader() {
        return systemId != null && leader == null && initializer != null;
    }

    /**
     * Whether {@code member} holds the key to the primary role: the leader key, or before the first
     * one (bootstrap) the initialize claim. With Raft leadership and a valid lease, the rule for
     * "may run a primary" that the decider, the lease guard and the executor's re-checks share.
     */
    public boolean primaryKeyHeldBy(String member) {
        return leader == null ? member.equals(initializer) : member.equals(leader.member());
    }

    public ClusterState withInitializer(String member, long term) {
        return new ClusterState(scope, systemId, member, term, leader, members, config, history, paused, featureLevel, switchover, sync, restarts);
    }

    /** Sets the leader key; the first one on an initialized cluster ends the initializer's role. */
    public ClusterState withLeader(LeaderRecord record) {
        boolean initDone = systemId != null && record != null;
        return new ClusterState(scope, systemId, initDone ? null : initializer, initDone ? 0 : initTerm, record,
                members, config, history, paused, featureLevel, switchover, sync, restarts);
    }

    public ClusterState withMember(MemberRecord record) {
        SortedMap<String, MemberRecord> next = new TreeMap<>(members);
        next.put(record.name(), record);
        return new ClusterState(scope, systemId, initializer, initTerm, leader, next, config, history, paused, featureLevel, switchover, sync, restarts);
    }

    /** Removes a member record and its scheduled restart. */
    public ClusterState withoutMember(String name) {
        SortedMap<String, MemberRecord> next = new TreeMap<>(members);
        next.remove(name);
        SortedMap<String, ScheduledRestart> nextRestarts = new TreeMap<>(restarts);
        nextRestarts.remove(name);
        return new ClusterState(scope, systemId, initializer, initTerm, leader, next, config, history, paused,
                featureLevel, switchover, sync, nextRestarts);
    }

    /** Sets or (null) removes {@code member}'s scheduled restart. */
    public ClusterState withScheduledRestart(String member, ScheduledRestart restart) {
        SortedMap<String, ScheduledRestart> next = new TreeMap<>(restarts);
        if (restart == null) {
            next.remove(member);
        } else {
            next.put(member, restart);
        }
        return new ClusterState(scope, systemId, initializer, initTerm, leader, members, config, history, paused,
                featureLevel, switchover, sync, next);
    }

    /** Replaces the dynamic config; {@link #paused()} follows its {@code pause} key. */
    public ClusterState withConfig(DynamicConfig next) {
        return new ClusterState(scope, systemId, initializer, initTerm, leader, members, next, history, next.pause(),
                featureLevel, switchover, sync, restarts);
    }

    public ClusterState withHistory(TimelineSwitch entry) {
        List<TimelineSwitch> next = new ArrayList<>(history);
        next.add(entry);
        return new ClusterState(scope, systemId, initializer, initTerm, leader, members, config, next, paused, featureLevel, switchover, sync, restarts);
    }

    public ClusterState withFeatureLevel(int level) {
        return new ClusterState(scope, systemId, initializer, initTerm, leader, members, config, history, paused, level, switchover, sync, restarts);
    }

    /** Sets or (null) removes the switchover request. */
    public ClusterState withSwitchover(Switchover next) {
        return new ClusterState(scope, systemId, initializer, initTerm, leader, members, config, history, paused,
                featureLevel, next, sync, restarts);
    }

    /** Replaces the published synchronous replication state (null: none). */
    public ClusterState withSync(SyncState next) {
        return new ClusterState(scope, systemId, initializer, initTerm, leader, members, config, history, paused,
                featureLevel, switchover, next, restarts);
    }

    /** The switchover request if one is active (not given up), else null. */
    public Switchover activeSwitchover() {
        return switchover != null && switchover.active() ? switchover : null;
    }

    /** Every member record advertises at least {@code level}. */
    public boolean allMembersSupport(int level) {
        return members.values().stream().allMatch(m -> m.maxFeatureLevel() >= level);
    }

    /** Sets the dynamic config's {@code pause} key, keeping its version. */
    public ClusterState withPaused(boolean flag) {
        return withConfig(config.withPause(flag));
    }

    /**
     * Patroni's optime: the newest WAL position the last primary is known to have had (the leader
     * key's, or its primary's newer published record), or null without a leader key.
     */
    public Lsn lastPrimaryPosition() {
        if (leader == null) {
            return null;
        }
        Lsn optime = leader.optime();
        MemberRecord record = members.get(leader.member());
        if (record != null && record.role() == PgRole.PRIMARY && record.receiveLsn().isAfter(optime)) {
            optime = record.receiveLsn();
        }
        return optime;
    }

    /** Members as an insertion-ordered map, for callers that want a plain Map view. */
    public Map<String, MemberRecord> memberMap() {
        return members;
    }
}
