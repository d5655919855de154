package io.raftgres.it;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Post-scenario checks against the final primary: every acknowledged id must be present
 * (missing ones are reported as lost, never hidden), no two members may have accepted writes
 * in overlapping windows, and the replicas must be streaming again.
 *
 * <p>Stateless; called from the test thread after the writer and the detector stopped.
 */
public final class Checker {

    private Checker() {
    }

    /**
     * Compares the writer's log of {@code run} with the rows on {@code finalPrimary}.
     *
     * @param acceptances the split-brain detector's record, or null when none ran
     */
    public static CheckResult check(String run, WriteLog log, PgTarget finalPrimary, Acceptances acceptances)
            throws SQLException {
        Set<Long> present = new HashSet<>();
        try (Connection c = finalPrimary.connect("raftgres-it-checker");
             PreparedStatement s = c.prepareStatement("SELECT id FROM " + Schema.WRITES + " WHERE run = ?")) {
            s.setString(1, run);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getLong(1));
                }
            }
        }
        Set<Long> acknowledged = log.acknowledgedIds();
        List<Long> lost = new ArrayList<>();
        for (long id : acknowledged) {
            if (!present.contains(id)) {
                lost.add(id);
            }
        }
        int unacknowledgedPresent = 0;
        for (long id : present) {
            if (!acknowledged.contains(id)) {
                unacknowledgedPresent++;
            }
        }
        List<Acceptances.Overlap> overlaps = acceptances == null ? List.of() : acceptances.overlaps();
        return new CheckResult(acknowledged.size(), lost, unacknowledgedPresent, overlaps);
    }

    /**
     * The lease gate's application_name (pgcontrol's LeaseGate): it streams from its own primary in
     * pg_stat_replication but is no replica. This module builds apart from the agent's, hence a copy.
     */
    static final String LEASE_GATE_APPLICATION_NAME = "raftgres_gate";

    /** How many replicas (not the lease gate) stream from {@code primary} right now (pg_stat_replication). */
    public static int streamingReplicas(PgTarget primary) throws SQLException {
        try (Connection c = primary.connect("raftgres-it-checker"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
                     + " AND application_name <> '" + LEASE_GATE_APPLICATION_NAME + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
