package io.raftgres.core.decide;

import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.TimelineOrigin;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.Upstream;

import java.util.Set;

/**
 * A side effect the agent performs for a {@link Decision}, in list order. The executor
 * switches exhaustively over this sealed type, so a new action does not compile until it is
 * handled. Actions that write to the Raft log carry the term they were decided in; the state
 * machine rejects them if a newer leader exists (the term is the fencing token).
 */
public sealed interface HaAction {

    /** Claim the initialize key (bootstrap race) in {@code term}. */
    record ClaimInitialize(long term) implements HaAction { }

    /** Run initdb and start as primary (background). */
    record Bootstrap() implements HaAction { }

    /** Publish the system identifier: the cluster is initialized. */
    record CompleteInitialize(long term, String systemId) implements HaAction { }

    /** Give up a bootstrap that failed so another member can try. */
    record AbortInitialize(long term) implements HaAction { }

    /** Write the leader key naming this member for {@code term}. */
    record ClaimLeader(long term, long timeline, Lsn optime) implements HaAction { }

    /** Record a promotion in the replicated history, with PostgreSQL's reason (null if unknown). */
    record RecordTimelineSwitch(long term, long timeline, Lsn switchLsn, String reason) implements HaAction { }

    /** pg_basebackup from the leader (background). */
    record Clone(Upstream from) implements HaAction { }

    /** Start a stopped primary data directory in place (crash restart), background. */
    record StartPrimary() implements HaAction { }

    /**
     * Configure streaming from {@code upstream} and start or reload (background when starting).
     * A null upstream starts a standby that replays only local WAL (to promote it safely).
     */
    record Follow(Upstream upstream) implements HaAction { }

    /** pg_ctl promote (background). */
    record Promote() implements HaAction { }

    /** Stop PostgreSQL. IMMEDIATE is the fencing stop. */
    record Stop(StopMode mode) implements HaAction { }

    /**
     * Keep with the data directory which promotion created its timeline (a replica streaming the
     * primary's timeline takes the primary's branch as its own); see {@link TimelineOrigin}.
     */
    record KeepTimelineOrigin(TimelineOrigin origin) implements HaAction { }

    /** pg_rewind from the leader (background). */
    record Rewind(Upstream from) implements HaAction { }

    /** Delete the data directory so the member clones again (background). */
    record RemoveDataDirectory() implements HaAction { }

    /** Hand Raft leadership to the member that should be primary. */
    record TransferLeadership(String to) implements HaAction { }

    /** On the primary: one physical slot per other member. */
    record EnsureSlots(Set<String> slotNames) implements HaAction {
        public EnsureSlots {
            slotNames = Set.copyOf(slotNames);
        }
    }

    /** Take the floating IP (only after PostgreSQL accepts writes). */
    record AddVip() implements HaAction { }

    /** Drop the floating IP: first step of every demotion. */
    record RemoveVip() implements HaAction { }

    /** Arm the watchdog (before promotion). */
    record ArmWatchdog() implements HaAction { }

    record DisarmWatchdog() implements HaAction { }

    /** Switchover, on the primary: CHECKPOINT, then a fast stop (background); the VIP is already off. */
    record DemoteForSwitchover() implements HaAction { }

    /**
     * Switchover, on the old primary in {@code term}, its leader key's term: before its stop it names
     * the member it hands over to ({@code checkpoint} null); once stopped it commits the release (its
     * shutdown checkpoint's position and timeline).
     */
    record BeginHandover(long term, String to, Lsn checkpoint, long timeline) implements HaAction { }

    /** Give up the active switchover or manual failover with {@code why} (the REST caller's 503 reason). */
    record AbandonSwitchover(long term, String why) implements HaAction { }

    /** Raise the replicated feature level to {@code level} (every member supports it); never blocks the rest. */
    record RaiseFeatureLevel(long term, int level) implements HaAction { }
}
