package io.raftgres.pgcontrol;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PgControlConfigTest {

    private static final PgCredentials SU = new PgCredentials("postgres", "TopSecret1");
    private static final PgCredentials REPL = new PgCredentials("replicator", "TopSecret2");

    private static PgControlConfig.Builder builder() {
        return PgControlConfig.builder("n1", "demo", Path.of("/var/lib/pg/n1"))
                .binDir(Path.of("/usr/lib/postgresql/15/bin"))
                .superuser(SU)
                .replication(REPL);
    }

    @Test
    void toStringNeverShowsPasswords() {
        PgControlConfig config = builder().rewind(new PgCredentials("rewinder", "TopSecret3")).build();
        String text = config.toString();
        assertFalse(text.contains("TopSecret"), text);
        assertTrue(text.contains("replicator"), text);
    }

    @Test
    void defaultsFollowTheListenAddressAndTheSuperuser() {
        PgControlConfig config = builder().listen("*", 5433).build();
        assertEquals("127.0.0.1", config.connectHost());
        assertEquals(5433, config.connectPort());
        assertEquals(SU, config.rewind());
        assertFalse(config.hasSeparateRewindRole());
        assertEquals(Path.of("/var/lib/pg/n1.run"), config.runDir());
        assertEquals("postgres", config.osUser());
        assertEquals(Duration.ofMillis(250), config.immediateStopGrace());
    }

    @Test
    void defaultPgHbaAllowsRolesFromLoopbackAndClusterHosts() {
        PgControlConfig config = builder().rewind(new PgCredentials("rewinder", "x"))
                .clusterHosts(List.of("10.0.0.5", "db3.example", "fd00::1")).build();
        List<String> hba = config.pgHba();
        assertTrue(hba.contains("host replication replicator 127.0.0.1/32 scram-sha-256"), hba.toString());
        assertTrue(hba.contains("host all postgres 10.0.0.5/32 scram-sha-256"), hba.toString());
        assertTrue(hba.contains("host replication replicator db3.example scram-sha-256"), hba.toString());
        assertTrue(hba.contains("host all rewinder fd00::1/128 scram-sha-256"), hba.toString());
    }

    @Test
    void rejectsSettingsThatCannotWork() {
        assertThrows(IllegalArgumentException.class,
                () -> builder().runDir(Path.of("/var/lib/pg/n1/run")).build(), "runDir inside PGDATA");
        assertThrows(IllegalArgumentException.class,
                () -> PgControlConfig.builder("n1", "demo", Path.of("relative")).superuser(SU).replication(REPL)
                        .binDir(Path.of("/bin")).build());
        assertThrows(IllegalArgumentException.class,
                () -> builder().parameters(Map.of("wal_level", "minimal")).build());
        assertThrows(IllegalArgumentException.class,
                () -> builder().parameters(Map.of("max_wal_senders", "many")).build());
        assertThrows(IllegalArgumentException.class,
                () -> builder().parameters(Map.of("work_mem", "4MB\nport = 1")).build());
        assertThrows(IllegalArgumentException.class, () -> builder().listen("127.0.0.1", 0).build());
        assertThrows(IllegalArgumentException.class, () -> new PgCredentials("repl", ""));
        assertThrows(IllegalArgumentException.class, () -> builder().immediateStopGrace(Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class, () -> builder().leaseGate(true)
                .parameters(Map.of("synchronous_standby_names", "ANY 1 (n2, n3)")).build(), "the gate owns it");
        assertThrows(IllegalArgumentException.class, () -> builder().leaseGate(true)
                .parameters(Map.of("synchronous_commit", "local")).build(), "no commit would wait for the gate");
        builder().leaseGate(true).parameters(Map.of("synchronous_commit", "remote_write")).build();
        builder().parameters(Map.of("synchronous_standby_names", "ANY 1 (n2, n3)")).build();
    }

    @Test
    void initdbOptionsBecomeLongOptions() {
        assertEquals(List.of("--data-checksums", "--encoding=UTF8", "-N"),
                Initdb.longOptions(List.of("data-checksums", "encoding=UTF8", "-N")));
    }
}
