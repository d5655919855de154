package io.raftgres.pgcontrol;

import io.raftgres.core.spi.Upstream;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PgConfigRendererTest {

    private static PgControlConfig config(Map<String, String> parameters) {
        return PgControlConfig.builder("node-1", "demo", Path.of("/srv/pg/data"))
                .binDir(Path.of("/usr/lib/postgresql/15/bin"))
                .listen("10.0.0.5", 5433)
                .superuser(new PgCredentials("postgres", "su-secret"))
                .replication(new PgCredentials("replicator", "repl:se\\cret"))
                .parameters(parameters)
                .build();
    }

    @Test
    void theLeaseGateIsTheOnlySynchronousStandbyOnPrimaryAndReplicaAlike() {
        PgControlConfig gated = PgControlConfig.builder("node-1", "demo", Path.of("/srv/pg/data"))
                .binDir(Path.of("/usr/lib/postgresql/15/bin")).superuser(new PgCredentials("postgres", "su"))
                .replication(new PgCredentials("replicator", "rep")).leaseGate(true).build();
        PgConfigRenderer renderer = new PgConfigRenderer(gated);
        String line = "synchronous_standby_names = 'FIRST 1 (raftgres_gate)'\n";
        assertTrue(renderer.postgresqlConf(null, "/p").contains(line));
        assertTrue(renderer.postgresqlConf(new PgConfigRenderer.ReplicaTarget(
                new Upstream("node-2", "10.0.0.6", 5432), "node_1"), "/p").contains(line));
        assertFalse(new PgConfigRenderer(config(Map.of())).postgresqlConf(null, "/p")
                .contains("synchronous_standby_names"));
    }

    @Test
    void primaryConfIncludesBaseAndEnforcesReplicationSettings() {
        String conf = new PgConfigRenderer(config(Map.of("shared_buffers", "256MB"))).postgresqlConf(null, "/p");
        assertTrue(conf.startsWith(PgConfigRenderer.HEADER));
        assertTrue(conf.contains("include 'postgresql.base.conf'\n"));
        for (String line : List.of("listen_addresses = '10.0.0.5'", "port = '5433'", "cluster_name = 'demo'",
                "unix_socket_directories = '/srv/pg/data.run'", "wal_level = 'replica'", "hot_standby = 'on'",
                "wal_log_hints = 'on'", "max_wal_senders = '10'", "max_replication_slots = '10'",
                "wal_keep_size = '128MB'", "hot_standby_feedback = 'on'", "shared_buffers = '256MB'")) {
            assertTrue(conf.contains(line + "\n"), "missing " + line + " in\n" + conf);
        }
        assertFalse(conf.contains("primary_conninfo"));
        assertFalse(conf.contains(PgConfigRenderer.UPSTREAM_MARKER));
    }

    @Test
    void configuredValuesCannotOverrideOwnedSettingsOrLowerFloors() {
        String conf = new PgConfigRenderer(config(Map.of("port", "9999", "max_wal_senders", "3",
                "max_replication_slots", "20", "wal_level", "logical", "hot_standby_feedback", "off")))
                .postgresqlConf(null, "/p");
        assertFalse(conf.contains("9999"));
        assertTrue(conf.contains("max_wal_senders = '10'\n"));
        assertTrue(conf.contains("max_replication_slots = '20'\n"));
        assertTrue(conf.contains("wal_level = 'logical'\n"));
        assertTrue(conf.contains("hot_standby_feedback = 'off'\n"));
        assertEquals(1, conf.split("port = ", -1).length - 1, conf);
    }

    @Test
    void replicaConfNamesUpstreamSlotAndPassfileButNoPassword() {
        PgConfigRenderer renderer = new PgConfigRenderer(config(Map.of()));
        String conf = renderer.postgresqlConf(new PgConfigRenderer.ReplicaTarget(
                new Upstream("node-2", "10.0.0.6", 5434), "node_1"), "/run/pg pass");
        assertTrue(conf.contains("primary_conninfo = 'host=10.0.0.6 port=5434 user=replicator"
                + " application_name=node-1 passfile=''/run/pg pass'' connect_timeout=5"
                + " keepalives=1 keepalives_idle=5 keepalives_interval=2 keepalives_count=5'\n"), conf);
        assertTrue(conf.contains("primary_slot_name = 'node_1'\n"));
        assertTrue(conf.contains("recovery_target_timeline = 'latest'\n"));
        assertFalse(conf.contains("secret"));
        assertEquals(Optional.of("node-2"), PgConfigRenderer.upstreamOf(conf));
        assertEquals(Optional.empty(), PgConfigRenderer.upstreamOf(renderer.postgresqlConf(null, "/p")));
    }

    @Test
    void quotesValuesForConfigFilesAndConnectionStrings() {
        assertEquals("'it''s a \\\\ path'", PgConfigRenderer.confQuote("it's a \\ path"));
        assertEquals("plain", PgConfigRenderer.conninfoQuote("plain"));
        assertEquals("'a b\\'c\\\\'", PgConfigRenderer.conninfoQuote("a b'c\\"));
        assertEquals("''", PgConfigRenderer.conninfoQuote(""));
    }

    @Test
    void pgpassEscapesColonsAndBackslashes() {
        String pgpass = new PgConfigRenderer(config(Map.of())).pgpass();
        assertTrue(pgpass.contains("*:*:*:replicator:repl\\:se\\\\cret\n"), pgpass);
        assertTrue(pgpass.contains("*:*:*:postgres:su-secret\n"), pgpass);
    }

    @Test
    void rewindSourceHasNoPassword() {
        String source = new PgConfigRenderer(config(Map.of())).rewindSource(new Upstream("n2", "10.0.0.6", 5434));
        assertEquals("host=10.0.0.6 port=5434 user=postgres dbname=postgres connect_timeout=5", source);
    }

    @Test
    void recognisesOnlyItsOwnConfFiles() {
        assertTrue(PgConfigRenderer.isOurs(new PgConfigRenderer(config(Map.of())).postgresqlConf(null, "/p")));
        assertFalse(PgConfigRenderer.isOurs("# PostgreSQL configuration file\nport = 5432\n"));
    }

    @Test
    void standbyWithoutUpstreamReplaysOnlyLocalWal() {
        String conf = new PgConfigRenderer(config(Map.of())).postgresqlConf(
                new PgConfigRenderer.ReplicaTarget(null, null), "/p");
        assertFalse(conf.contains("primary_conninfo"), conf);
        assertFalse(conf.contains(PgConfigRenderer.UPSTREAM_MARKER), conf);
        assertTrue(conf.contains("recovery_target_timeline = 'latest'\n"), conf);
    }
}
