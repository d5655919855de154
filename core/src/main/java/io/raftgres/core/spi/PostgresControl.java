package io.raftgres.core.spi;

import io.raftgres.core.model.LocalPgState;

import java.util.Set;

/**
 * The port to the local PostgreSQL. Implemented by pgcontrol ({@code PgCtlPostgresControl})
 * and by test fakes. Methods other than {@link #observe} block until the operation ends
 * and throw {@link PostgresControlException} with the tool's output when it fails; the
 * agent runs the long ones on its background executor.
 */
public interface PostgresControl {

    /**
     * Reads the local state quickly (JDBC with short timeouts, pg_controldata). Never throws:
     * failures come back as {@code probeError}. {@code activity}, {@code lastFailure} and
     * {@code downSinceMillis} are the agent's to fill in.
     */
    LocalPgState observe();

    /** Runs initdb with the bootstrap options, writes configuration and pg_hba, starts as primary, creates roles. */
    void bootstrap();

    /** Clones the data directory from {@code from} with pg_basebackup; leaves PostgreSQL stopped. */
    void cloneFrom(Upstream from);

    /** Starts PostgreSQL as primary (no standby.signal) and waits until it accepts connections. */
    void startPrimary();

    /**
     * Points the data directory at {@code upstream} (standby.signal, primary_conninfo, slot
     * named after {@code selfSlot}) and starts or reloads PostgreSQL so it streams from it.
     */
    void follow(Upstream upstream, String selfSlot);

    void stop(StopMode mode);

    /**
     * CHECKPOINT on the running server before a planned stop, so the shutdown checkpoint is quick.
     * Only an optimisation: the default does nothing, for test doubles without a WAL to flush.
     */
    default void checkpoint() {
    }

    /**
     * Before a promotion: makes sure every timeline number above the current one up to {@code upTo} has a
     * history file, so the promotion picks a number above them all (core's {@code TimelineCeiling} says
     * which numbers another member's promotion may have taken unseen). Does nothing when {@code upTo} is
     * not above the current timeline; 0 means nothing is reserved (below feature level 9).
     */
    void reserveTimelines(long upTo);

    /** Promotes a running standby and waits until it accepts writes. */
    void promote();

    /** Rewinds a stopped, diverged data directory from {@code from}; leaves PostgreSQL stopped. */
    void rewind(Upstream from);

    /** Deletes the data directory so the member can be cloned again. */
    void removeDataDirectory();

    /** On the primary: creates the named physical slots that are missing, drops other member slots. */
    void ensureSlots(Set<String> slotNames);
}
