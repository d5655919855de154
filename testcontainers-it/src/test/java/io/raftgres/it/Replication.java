package io.raftgres.it;

/**
 * How the suite's cluster replicates, and so what an old primary that was not fenced in time
 * could do to the writer's acknowledged commits.
 */
public enum Replication {
    /**
     * Quorum commit ({@code synchronous_commit: on}, {@code synchronous_standby_names: ANY 1 (n1,
     * n2, n3)}; a member's own name is inert): a commit is acknowledged only once another member
     * has it, so failover to the furthest member loses none. The lease gate is off: PostgreSQL has
     * one synchronous_standby_names expression, and the gate would need {@code FIRST 2 (gate, n2,
     * n3)}, whose "first two" are any two connected names, so two replicas could acknowledge without
     * the gate. The split-brain detector commits locally here, to test the fencing alone.
     */
    QUORUM,
    /**
     * No replica is synchronous, and the lease gate is on ({@code lease_gate: true}, the default, with
     * no synchronous_standby_names configured): a commit is acknowledged once flushed locally and
     * acknowledged by the agent's gate, which it does only while its lease holds. What the old primary
     * acknowledged that its replicas had not received is lost at failover; nothing is acknowledged
     * after its lease's end. The detector commits with the application's setting (on).
     */
    ASYNC;

    /** Whether the agents run the lease gate. */
    public boolean leaseGate() {
        return this == ASYNC;
    }

    /**
     * Whether the split-brain detector commits with {@code synchronous_commit = local}: with quorum
     * commit, else a deposed primary whose replicas follow the new one could never acknowledge and the
     * detector would test PostgreSQL's synchronous replication; with the gate, as an application would
     * (local commits would opt out of the gate).
     */
    public boolean detectorCommitsLocally() {
        return this == QUORUM;
    }

    /** The scenario name suffix in the report: none for the suite's default, quorum. */
    public String suffix() {
        return this == QUORUM ? "" : "-async";
    }
}
