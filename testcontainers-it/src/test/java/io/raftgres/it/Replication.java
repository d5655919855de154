package io.raftgres.it;

/**
 * How the suite's cluster replicates, and so what an old primary that was not fenced in time
 * could do to the writer's acknowledged commits.
 */
public enum Replication {
    /**
     * Managed quorum commit ({@code synchronous_mode: quorum}, {@code synchronous_node_count: 1}, the
     * lease gate on): the primary renders {@code ANY 2 (raftgres_gate, a, b)}, so a commit is
     * acknowledged only once a replica has it, and failover promotes only a voter proven to hold every
     * acknowledged commit. The split-brain detector commits locally here, to test the fencing alone.
     */
    QUORUM,
    /**
     * Managed synchronous commit ({@code synchronous_mode: on}, {@code synchronous_node_count: 1}, the
     * lease gate on): the primary names one published standby, and failover promotes only it. Used
     * by kill-primary only, as issue 12 asks; the detector commits locally, as in quorum mode.
     */
    ON,
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
        return true;
    }

    /**
     * Whether the split-brain detector commits with {@code synchronous_commit = local}: with quorum
     * commit, else a deposed primary whose replicas follow the new one could never acknowledge and the
     * detector would test PostgreSQL's synchronous replication; with the gate, as an application would
     * (local commits would opt out of the gate).
     */
    public boolean detectorCommitsLocally() {
        return synchronous();
    }

    /** Whether commits wait for a replica, so that no acknowledged write may be lost at failover. */
    public boolean synchronous() {
        return this != ASYNC;
    }

    /** The scenario name suffix in the report: none for the suite's default, quorum. */
    public String suffix() {
        return switch (this) {
            case QUORUM -> "";
            case ON -> "-on";
            case ASYNC -> "-async";
        };
    }

    /** The {@code synchronous_mode} the agents are given. */
    public String synchronousMode() {
        return switch (this) {
            case QUORUM -> "quorum";
            case ON -> "on";
            case ASYNC -> "off";
        };
    }
}
