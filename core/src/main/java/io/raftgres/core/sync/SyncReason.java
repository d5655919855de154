package io.raftgres.core.sync;

/** Why the synchronous planner chose its step; one value per branch of {@link SyncPlanner}. */
public enum SyncReason {
    /** Not the primary with the leader key and a lease: nothing to manage. */
    NOT_PRIMARY,
    /**
     * A standby without the lease gate in a synchronous mode: its list names no real standby, so
     * once promoted it acknowledges nothing until its planner replaced the list (after publishing).
     */
    REPLICA_HOLD,
    /** The cluster runs below feature level 5: synchronous replication is not managed. */
    FEATURE_LEVEL_TOO_LOW,
    /** synchronous_mode off: PostgreSQL's list is the gate alone (or empty). */
    OFF_APPLY,
    /** synchronous_mode off: PostgreSQL's list is reset, now the published state is removed. */
    OFF_CLEAR_PUBLISHED,
    /** synchronous_mode off and nothing to change. */
    OFF_STEADY,
    /** First step of a new term or mode: publish an empty set (nobody but this primary is known to hold every commit). */
    CLAIM,
    /** Shrink (on) or widen with a lower quorum (quorum) the published state before PostgreSQL's list changes. */
    PUBLISH_BEFORE_APPLY,
    /** Write the new list into PostgreSQL. */
    APPLY,
    /** PostgreSQL's list is in force and the new standbys caught up: publish it. */
    PUBLISH_CONFIRMED,
    /** PostgreSQL's list is in force but its new standbys have not confirmed yet. */
    WAIT_CONFIRMATION,
    /** Published state and PostgreSQL's list agree with what is wanted. */
    STEADY,
    /** Non-strict and no standby is eligible: commits are asynchronous. */
    FALLBACK_ASYNC,
    /** Strict and no standby is eligible: commits wait until one returns. */
    STRICT_BLOCKED
}
