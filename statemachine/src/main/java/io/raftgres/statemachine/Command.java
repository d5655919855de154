package io.raftgres.statemachine;

import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.SyncState;

/**
 * An intent appended to the Raft log. Every command names the member that issued it and the
 * Raft term it was decided in. {@link #leaderOnly()} commands may only be issued by the Raft
 * leader for its own term: the Ratis adapter refuses them on the leader before they are
 * appended unless {@code member} is the leader itself, and {@link ClusterStateMachine#apply}
 * rejects them when their term differs from the log entry's term or is older than the leader
 * key's (the Raft term is the fencing token).
 */
public sealed interface Command {
    String member();

    long term();

    default boolean leaderOnly() {
        return true;
    }

    /** Bootstrap race: first committed claim wins; a newer term may take over a stale one. */
    record ClaimInitialize(String member, long term) implements Command { }

    /** The initializer publishes the system identifier of the cluster it created. */
    record CompleteInitialize(String member, long term, String systemId) implements Command { }

    /** The initializer gives up (initdb failed) so another member can bootstrap. */
    record AbortInitialize(String member, long term) implements Command { }

    /** The leader key: {@code member} runs the writable primary from {@code term} on. */
    record ClaimLeader(String member, long term, long timeline, Lsn optime) implements Command { }

    /** The lease heartbeat: carries no state; its commit proves a majority heard the leader. */
    record LeaseHeartbeat(String member, long term) implements Command { }

    /** The primary records a promotion (new timeline and where the old one ended). */
    record RecordTimelineSwitch(String member, long term, long timeline, Lsn switchLsn, String reason,
                                long atMillis) implements Command { }

    /** Any member publishes its own state; the entry's term is stamped into the record. */
    record PublishMember(String member, long term, MemberRecord record) implements Command {
        @Override
        public boolean leaderOnly() {
            return false;
        }
    }

    /** Removes a member record (operator action). */
    record RemoveMember(String member, long term, String name) implements Command {
        @Override
        public boolean leaderOnly() {
            return false;
        }
    }

    /** Replaces the dynamic config if {@code expectedVersion} matches (-1: unconditional). */
    record SetConfig(String member, long term, DynamicConfig config, long expectedVersion) implements Command {
        @Override
        public boolean leaderOnly() {
            return false;
        }
    }

    /**
     * Raises the cluster's feature level (see {@link io.raftgres.core.model.FeatureLevel}); the
     * leader issues it once every member advertises {@code level}. Level 2 and later only.
     */
    record SetFeatureLevel(String member, long term, int level) implements Command { }

    /**
     * An operator's switchover ({@code leader} set) or manual failover ({@code leader} null,
     * {@code candidate} required), due at {@code scheduledAtMillis} (epoch ms, 0 now); any member
     * submits it for the REST API. Level 4 on.
     */
    record RequestSwitchover(String member, long term, String leader, String candidate, long scheduledAtMillis,
                             long requestedAtMillis) implements Command {
        @Override
        public boolean leaderOnly() {
            return false;
        }
    }

    /** Removes a switchover that has not begun (DELETE /switchover). Level 4 on. */
    record CancelSwitchover(String member, long term) implements Command {
        @Override
        public boolean leaderOnly() {
            return false;
        }
    }

    /**
     * The old primary's handover to {@code to}: before its stop with a null {@code checkpoint} (names
     * the target), then its release: its PostgreSQL stopped cleanly with the shutdown checkpoint at
     * {@code checkpoint} on {@code timeline} and its VIP is gone. Level 4 on.
     */
    record BeginHandover(String member, long term, String to, Lsn checkpoint, long timeline, long atMillis)
            implements Command { }

    /** The leader gives up the active switchover or manual failover with {@code why}. Level 4 on. */
    record AbandonSwitchover(String member, long term, String why) implements Command { }

    /**
     * The primary publishes its synchronous replication state ({@code state}, null: none). Only the
     * leader key's holder for its own term, from feature level 5 on.
     */
    record SetSyncState(String member, long term, SyncState state) implements Command { }

    /**
     * Schedules a restart of the issuing member's own PostgreSQL ({@code POST /restart} with a
     * schedule); refused while it has one. Level 6 on.
     */
    record ScheduleRestart(String member, long term, io.raftgres.core.model.ScheduledRestart restart)
            implements Command {
        @Override
        public boolean leaderOnly() {
            return false;
        }
    }

    /**
     * Removes the issuing member's scheduled restart: {@code DELETE /restart} ({@code requestedAtMillis}
     * 0: whichever there is), or its HA loop once it is due (that schedule's request time, so a newer
     * schedule is never removed by mistake). Level 6 on.
     */
    record CancelRestart(String member, long term, long requestedAtMillis) implements Command {
        @Override
        public boolean leaderOnly() {
            return false;
        }
    }

    /** Seeds the cluster: scope check and dynamic config from bootstrap.dcs, once. */
    record SeedConfig(String member, long term, DynamicConfig config) implements Command { }
}
