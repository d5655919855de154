package io.raftgres.it;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The tables the writer and the split-brain detector write to. Created once on the primary
 * before a scenario; replication carries them to the replicas.
 */
public final class Schema {

    /** One row per committed writer id, keyed by the writer's run name (several runs share a cluster). */
    public static final String WRITES = "raftgres_it_writes";
    /** One row per write a member accepted directly (split-brain probes); no key, so runs never collide. */
    public static final String PROBES = "raftgres_it_probes";

    private Schema() {
    }

    /** Creates both tables if missing; fails when the target is not writable. */
    public static void create(PgTarget primary) throws SQLException {
        try (Connection c = primary.connect("raftgres-it-schema"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + WRITES
                    + " (run text NOT NULL, id bigint NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp(),"
                    + " PRIMARY KEY (run, id))");
            s.execute("CREATE TABLE IF NOT EXISTS " + PROBES
                    + " (member text NOT NULL, seq bigint NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
        }
    }
}
