package io.raftgres.core.model;

/**
 * What one member last published about itself through the Raft log. {@code term} is the
 * Raft term of the log entry that carried it (stamped by the state machine at apply), so a
 * record published after an election is recognisably fresh.
 *
 * @param name          member name, unique in the cluster
 * @param apiUrl        REST base URL other members and load balancers use
 * @param raftAddress   this member's Raft address (host:port), which is also its Raft peer id
 * @param pgHost        PostgreSQL connect host
 * @param pgPort        PostgreSQL connect port
 * @param role          what PostgreSQL runs as here
 * @param state         Patroni-style PostgreSQL state text ("running", "stopped", "creating replica", ...)
 * @param timeline      current timeline, 0 when unknown
 * @param receiveLsn    last WAL received (replica) or written (primary)
 * @param replayLsn     last WAL replayed
 * @param streaming     the WAL receiver is streaming from the leader
 * @param tags          configured tags
 * @param canBootstrap  this member's config has a bootstrap section
 * @param watchdogFailed watchdog required but unusable: never a candidate
 * @param version       raftgres version
 * @param term          Raft term the record was committed in
 * @param updatedAtMillis publisher's wall clock at publication, for display only
 * @param maxFeatureLevel the highest {@link FeatureLevel} the member's build supports (1 when
 *                      its build predates feature levels)
 * @param pendingRestart parameters waiting for a restart of this member's PostgreSQL, by name
 * @param upstream      the member this replica's PostgreSQL is configured to follow, else null (a primary,
 *                      a stopped server's last configuration, or a replica detached from a deposed primary;
 *                      feature level {@link FeatureLevel#FINAL_POSITIONS}, null below it)
 */
public record MemberRecord(String name, String apiUrl, String raftAddress, String pgHost, int pgPort, PgRole role, String state,
                           long timeline, Lsn receiveLsn, Lsn replayLsn, boolean streaming, MemberTags tags,
                           boolean canBootstrap, boolean watchdogFailed, String version, long term,
                           long updatedAtMillis, int maxFeatureLevel,
                           java.util.SortedMap<String, PendingChange> pendingRestart, String upstream) {

    public MemberRecord {
        pendingRestart = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(pendingRestart));
    }

    /** A record that names no upstream. */
    public MemberRecord(String name, String apiUrl, String raftAddress, String pgHost, int pgPort, PgRole role,
                        String state, long timeline, Lsn receiveLsn, Lsn replayLsn, boolean streaming, MemberTags tags,
                        boolean canBootstrap, boolean watchdogFailed, String version, long term, long updatedAtMillis,
                        int maxFeatureLevel, java.util.SortedMap<String, PendingChange> pendingRestart) {
        this(name, apiUrl, raftAddress, pgHost, pgPort, role, state, timeline, receiveLsn, replayLsn, streaming, tags,
                canBootstrap, watchdogFailed, version, term, updatedAtMillis, maxFeatureLevel, pendingRestart, null);
    }

    /** A record with nothing pending a restart. */
    public MemberRecord(String name, String apiUrl, String raftAddress, String pgHost, int pgPort, PgRole role,
                        String state, long timeline, Lsn receiveLsn, Lsn replayLsn, boolean streaming, MemberTags tags,
                        boolean canBootstrap, boolean watchdogFailed, String version, long term, long updatedAtMillis,
                        int maxFeatureLevel) {
        this(name, apiUrl, raftAddress, pgHost, pgPort, role, state, timeline, receiveLsn, replayLsn, streaming, tags,
                canBootstrap, watchdogFailed, version, term, updatedAtMillis, maxFeatureLevel, new java.util.TreeMap<>());
    }

    /** A record of a build at {@link FeatureLevel#BASELINE}, with nothing pending a restart. */
    public MemberRecord(String name, String apiUrl, String raftAddress, String pgHost, int pgPort, PgRole role,
                        String state, long timeline, Lsn receiveLsn, Lsn replayLsn, boolean streaming, MemberTags tags,
                        boolean canBootstrap, boolean watchdogFailed, String version, long term, long updatedAtMillis) {
        this(name, apiUrl, raftAddress, pgHost, pgPort, role, state, timeline, receiveLsn, replayLsn, streaming, tags,
                canBootstrap, watchdogFailed, version, term, updatedAtMillis, FeatureLevel.BASELINE);
    }

    public MemberRecord withMaxFeatureLevel(int level) {
        return new MemberRecord(name, apiUrl, raftAddress, pgHost, pgPort, role, state, timeline, receiveLsn, replayLsn,
                streaming, tags, canBootstrap, watchdogFailed, version, term, updatedAtMillis, level, pendingRestart,
                upstream);
    }

    public MemberRecord withTerm(long newTerm) {
        return new MemberRecord(name, apiUrl, raftAddress, pgHost, pgPort, role, state, timeline, receiveLsn, replayLsn,
                streaming, tags, canBootstrap, watchdogFailed, version, newTerm, updatedAtMillis, maxFeatureLevel,
                pendingRestart, upstream);
    }

    public MemberRecord withPendingRestart(java.util.Map<String, PendingChange> pending) {
        return new MemberRecord(name, apiUrl, raftAddress, pgHost, pgPort, role, state, timeline, receiveLsn, replayLsn,
                streaming, tags, canBootstrap, watchdogFailed, version, term, updatedAtMillis, maxFeatureLevel,
                new java.util.TreeMap<>(pending), upstream);
    }

    public MemberRecord withUpstream(String member) {
        return new MemberRecord(name, apiUrl, raftAddress, pgHost, pgPort, role, state, timeline, receiveLsn, replayLsn,
                streaming, tags, canBootstrap, watchdogFailed, version, term, updatedAtMillis, maxFeatureLevel,
                pendingRestart, member);
    }

    /**
     * Whether this record's WAL position is final while {@code formerPrimary} is being replaced: no
     * later confirmation to it can follow. True for the former primary itself (its position is its own
     * WAL); for a replica whose WAL receiver is not streaming and whose configuration names another
     * upstream or none (it detached, see {@code ReplicaRules}); and for a member whose PostgreSQL is
     * stopped with no operation under way (at {@link FeatureLevel#FINAL_POSITIONS} a replica does not
     * start while the Raft leader is not the leader key's member). A replica still configured to follow
     * {@code formerPrimary}, or one starting, may confirm more of its commits after this record.
     */
    public boolean positionFinalWhileReplacing(String formerPrimary) {
        if (name.equals(formerPrimary)) {
            return true;
        }
        return switch (role) {
            case REPLICA -> !streaming && !formerPrimary.equals(upstream);
            case STOPPED -> "stopped".equals(state) || "start failed".equals(state);
            case null, default -> false;
        };
    }
}
