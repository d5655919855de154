package io.raftgres.core.model;

/**
 * The synchronous replication keys of the dynamic config.
 *
 * @param mode      {@code synchronous_mode}
 * @param strict    {@code synchronous_mode_strict}: never fall back to asynchronous commits; with no
 *                  synchronous standby available, commits wait until one returns
 * @param nodeCount {@code synchronous_node_count}: standbys that confirm each commit (on: FIRST n;
 *                  quorum: ANY n), at least 1
 */
public record SyncSettings(SyncMode mode, boolean strict, int nodeCount) {

    /** Asynchronous replication, Patroni's defaults for the other keys. */
    public static final SyncSettings OFF = new SyncSettings(SyncMode.OFF, false, 1);

    /** Largest accepted synchronous_node_count (PostgreSQL's limit on listed standbys is far higher). */
    public static final int MAX_NODE_COUNT = 32;

    public SyncSettings {
        if (mode == null) {
            throw new IllegalArgumentException("synchronous_mode must not be null");
        }
        if (nodeCount < 1 || nodeCount > MAX_NODE_COUNT) {
            throw new IllegalArgumentException("synchronous_node_count must be between 1 and " + MAX_NODE_COUNT
                    + ", got " + nodeCount);
        }
    }

    public boolean enabled() {
        return mode != SyncMode.OFF;
    }
}
