package io.raftgres.it;

/**
 * How the suite's cluster replicates, and so what an old primary that was not fenced in time
 * could do to the writer's acknowledged commits.
 */
public enum Replication {
    /**
     * Quorum commit ({@code synchronous_commit: on}, {@code synchronous_standby_names: ANY 1 (n1,
     * n2, n3)}; a member's own name is inert): a commit is acknowledged only once another member
     * has it, so failover to the furthest member loses none.
     */
    QUORUM,
    /**
     * No synchronous standby: a commit is acknowledged once it is flushed locally, so what the
     * old primary acknowledged after its replicas stopped following it is lost at failover.
     */
    ASYNC;

    /** The scenario name suffix in the report: none for the suite's default, quorum. */
    public String suffix() {
        return this == QUORUM ? "" : "-async";
    }
}
