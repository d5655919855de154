package io.raftgres.ha;

import io.raftgres.core.model.TimelineOrigin;

/**
 * Where the agent keeps, with the data directory, which promotion created its timeline
 * ({@link TimelineOrigin}): written after this member promotes or records its promotion in the
 * history, cleared when the data directory is replaced (initdb, clone, rewind, removal). It must
 * outlive the agent process (the agent keeps it in a file beside PGDATA); the simulation keeps
 * it with the host.
 */
public interface OriginMarker {

    /** The kept origin, or null when none is kept. */
    TimelineOrigin read();

    /** Keeps {@code origin}; null clears it. */
    void write(TimelineOrigin origin);

    /** A marker in memory: for tests, and for a host whose marker lives as long as the object. */
    static OriginMarker inMemory() {
        return new OriginMarker() {
            private volatile TimelineOrigin origin;

            @Override
            public TimelineOrigin read() {
                return origin;
            }

            @Override
            public void write(TimelineOrigin next) {
                origin = next;
            }
        };
    }
}
