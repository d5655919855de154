package io.raftgres.core.decide;

/**
 * Why the decider chose what it chose; one per cycle, logged and exposed for tests. Each value
 * names exactly one branch of the decider, so a reason identifies the rule that fired.
 */
public enum Reason {
    BUSY,
    /** No Raft leader known. */
    WAITING_FOR_RAFT,
    /** Raft leader whose lease is not valid yet. */
    WAITING_FOR_LEASE,
    BOOTSTRAP_CLAIM,
    /** Holds the initialize claim but is not the Raft leader with a lease. */
    BOOTSTRAP_CLAIM_WITHOUT_LEASE,
    /** initdb on the initializer. */
    BOOTSTRAP_INITDB,
    /** The initializer starts the new cluster's primary. */
    BOOTSTRAP_START_PRIMARY,
    BOOTSTRAP_COMPLETE,
    BOOTSTRAP_FIRST_LEADER,
    BOOTSTRAP_DATA_LOST,
    BOOTSTRAP_FAILED,
    /** The initializer removes what a failed bootstrap left in its data directory before trying again. */
    BOOTSTRAP_LEFTOVER,
    /** A member that gave up bootstrapping hands Raft leadership to one that still can. */
    BOOTSTRAP_GAVE_UP_HANDOFF,
    /** Not the Raft leader: waits for the leader to initialize. */
    BOOTSTRAP_WAIT,
    /** Raft leader, but another member's claim of this term is current. */
    BOOTSTRAP_WAIT_FOR_CLAIM,
    /** Raft leader without a bootstrap section, and no member with one has published yet. */
    BOOTSTRAP_NO_CANDIDATE,
    BOOTSTRAP_HANDOFF,
    BOOTSTRAP_GAVE_UP,
    BACKOFF,
    CLONE,
    LEADER_WITH_LEASE,
    CLAIM_LEADER,
    /** Holds the leader key as a running replica: promotes. */
    PROMOTE,
    /** Holds the leader key with a stopped replica's data directory: starts it as a standby first. */
    START_STANDBY_TO_PROMOTE,
    RESTART_PRIMARY,
    PRIMARY_START_TIMEOUT,
    /** Holds the leader key, the required watchdog cannot be armed here: hands Raft leadership on. */
    WATCHDOG_UNUSABLE_HANDOFF,
    /** Holds the leader key, the required watchdog cannot be armed here, no other candidate: read-only. */
    WATCHDOG_UNUSABLE_READONLY,
    /** Holds the initialize claim, the required watchdog cannot be armed here: gives the claim up. */
    WATCHDOG_UNUSABLE_ABORT_INITIALIZE,
    HANDOFF_TO_BETTER_CANDIDATE,
    /** No member qualifies as the new primary. */
    NO_CANDIDATE_READONLY,
    /** Holds the leader key but has no data directory. */
    LEADER_KEY_WITHOUT_DATA,
    WAITING_FOR_FRESH_STATE,
    TAKEOVER_WAIT,
    FENCE_LEASE_LOST,
    /**
     * PostgreSQL writable here without a lease, but the lease gate holds every commit and the lapse
     * rule's deadline is ahead: nothing is stopped (the lease guard fences at the deadline).
     */
    GATE_HOLDS_LAPSE,
    /** A running replica re-points at the new primary. */
    FOLLOW_LEADER,
    /**
     * The Raft leader is not the leader key's member: a replica stops streaming from that member so
     * its published position is final for the new leader's choice (feature level 10).
     */
    DETACH_FROM_DEPOSED_PRIMARY,
    /** Detached (or stopped) while a new primary is chosen: nothing is started or re-pointed. */
    WAITING_FOR_NEW_PRIMARY,
    /** A stopped replica starts following the primary. */
    START_REPLICA,
    REPLICA_FOLLOWING,
    /** A streaming replica keeps the origin of the primary's timeline as its own (see TimelineOrigin). */
    KEEP_TIMELINE_ORIGIN,
    /** A stopped member on a diverged timeline is rewound. */
    REWIND,
    /** A running replica whose WAL went past the fork stops, to be rewound. */
    STOP_DIVERGED_REPLICA,
    /** A diverged member without pg_rewind removes its data directory to clone again. */
    RECLONE,
    /** pg_rewind failed and removal is allowed: removes the data directory to clone again. */
    RECLONE_AFTER_REWIND_FAILURE,
    /** A diverged member without pg_rewind and without removal allowed stays stopped. */
    DIVERGED_STUCK,
    /** pg_rewind failed and removal is not allowed: stays stopped. */
    REWIND_FAILED_STUCK,
    /** No member holds the leader key. */
    NO_LEADER_KEY,
    /** The leader key names this member but another member leads Raft. */
    LEADER_KEY_NAMES_ME,
    /** The leader key's member has not published its address. */
    LEADER_ADDRESS_UNKNOWN,
    FOREIGN_DATA_DIRECTORY,
    /** An operator's restart or reinitialize stops PostgreSQL. */
    OPERATOR_STOP,
    /** An operator's reinitialize removes the data directory. */
    OPERATOR_REMOVE_DATA,
    /** An operator's reinitialize clones from the primary. */
    OPERATOR_CLONE,
    /** An operator's restart starts the primary it stopped. */
    OPERATOR_START_PRIMARY,
    /** An operator's restart or reinitialize starts the replica. */
    OPERATOR_START_REPLICA,
    /** An operator's request cannot take its next step yet. */
    OPERATOR_WAIT,
    /** A replica that last ran as primary waits for the new primary to record its timeline switch. */
    WAITING_FOR_TIMELINE_HISTORY,
    /** The primary stops (VIP off, checkpoint, fast stop) for a due switchover. */
    SWITCHOVER_DEMOTE,
    /** A due switchover has no candidate that qualifies: given up. */
    SWITCHOVER_NO_CANDIDATE,
    /** The cleanly stopped old primary records its release and hands Raft leadership to the candidate. */
    SWITCHOVER_HANDOVER,
    /** A leader that is not the handover's target passes Raft leadership on to it. */
    SWITCHOVER_PASS_ON,
    /** The key holder lost Raft leadership between naming the target and its release: given up. */
    SWITCHOVER_INTERRUPTED,
    /** The handover did not complete within its time limit: given up. */
    SWITCHOVER_TIMED_OUT,
    /** The target holds the shutdown checkpoint: takes the leader key without the takeover wait. */
    SWITCHOVER_CLAIM,
    /** The target waits until its PostgreSQL has received the old primary's shutdown checkpoint. */
    SWITCHOVER_WAIT_FOR_WAL,
    /** The target did not receive the shutdown checkpoint in time: gives up, leadership back. */
    SWITCHOVER_CANDIDATE_BEHIND,
    /** A manual failover's candidate does not qualify (any more): given up. */
    FAILOVER_CANDIDATE_UNFIT,
    /** A leader that is not the manual failover's candidate hands Raft leadership to it. */
    FAILOVER_HANDOFF,
    /** The manual failover's candidate waits until the old primary's lease has surely lapsed. */
    FAILOVER_TAKEOVER_WAIT,
    /** The manual failover's candidate takes the leader key. */
    FAILOVER_CLAIM,
    /** Maintenance mode on the writable primary whose lease holds: keeps its VIP, disarms the watchdog. */
    PAUSED_PRIMARY,
    /** Maintenance mode on any other member: nothing is started, stopped or promoted; watchdog disarmed. */
    PAUSED
}
