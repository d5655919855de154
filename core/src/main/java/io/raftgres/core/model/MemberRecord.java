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
     * Whether this record's WAL position is final while the leader key's member is being replaced: no
     * later confirmation to anyone can pass it. A running replica qualifies once it names no upstream
     * and has no WAL receiver process left (it detached, see {@code ReplicaRules}); one that still
     * streams may confirm more of a deposed primary's commits after publishing. A member whose
     * PostgreSQL is stopped (state "stopped": no operation under way, and its agent found no
     * postmaster that fails to answer, which it publishes as "unknown") qualifies too, because from
     * {@link FeatureLevel#FINAL_POSITIONS} nothing starts it while the key's member is being replaced;
     * its position is pg_control's, as before this level. Members starting, running as primary or in
     * any other state do not. Meaningful from that level on (below it a record's upstream is dropped).
     */
    public boolean positionFinal() {
        return switch (role) {
            case REPLICA -> upstream == null && !streaming;
            case STOPPED -> "stopped".equals(state);
            case null, default -> false;
        };
    }
}
