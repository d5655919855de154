package io.raftgres.agent;

import io.raftgres.testkit.TestCa;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * raftgresctl against three real agents whose REST API has {@code verify_client: required} (a
 * CA made in the test by {@link TestCa}): with the agent's raftgres.yml and no {@code ctl}
 * client certificate, {@code pause} fails with one line on stderr that names the member and the
 * missing certificate, exit code 4, and the cluster stays unpaused; with {@code ctl.certfile} and
 * {@code ctl.keyfile} added, {@code pause --wait}, {@code list} and {@code resume --wait} succeed.
 * Its first run found exit code 3 and "no member answered: URL: (certificate_required) Received
 * fatal alert: certificate_required"; {@code TlsRefusal} now names the missing setting and exits 4.
 */
@Tag("postgres")
class RaftgresCtlClientCertificateTest {

    @TempDir
    Path dir;

    @Test
    void writeCommandsNeedTheClientCertificateTheApiRequires() throws Exception {
        assumeTrue(TestCa.available(), "skipped: the openssl command is not installed");
        AgentCertificates certificates = AgentCertificates.create(dir, "ctl", null);
        TestCa ca = certificates.ca();
        Path[] server = certificates.server();
        Path[] client = certificates.client();
        String tls = ", certfile: \"%s\", keyfile: \"%s\", cafile: \"%s\", verify_client: required"
                .formatted(server[0], server[1], ca.caCert());
        var security = new LocalAgentCluster.Security(LocalAgentCluster.PASSWORD, LocalAgentCluster.PASSWORD,
                LocalAgentCluster.PASSWORD, tls, ca.clientContext(client));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try (LocalAgentCluster cluster = new LocalAgentCluster(Files.createDirectories(dir.resolve("cluster")),
                security)) {
            cluster.runShowingLogs(c -> run(c, client));
        }
    }

    private void run(LocalAgentCluster cluster, Path[] client) throws Exception {
        cluster.startAllHealthy();
        var n1 = cluster.member("n1");
        // The agent's own file: restapi.cafile is the CA raftgresctl trusts, no ctl client certificate.
        String withoutCertificate = n1.config().toString();
        Path withCertificate = dir.resolve("ctl.yml");
        Files.writeString(withCertificate, Files.readString(n1.config())
                + "ctl: {certfile: \"%s\", keyfile: \"%s\"}\n".formatted(client[0], client[1]));

        CtlRun refused = CtlRun.of("", Map.of(), "-c", withoutCertificate, "pause", "--wait");
        System.out.println("raftgresctl without a client certificate: " + refused.err().strip());
        assertEquals(4, refused.exit(), refused.toString());
        assertEquals(1, refused.err().lines().count(), "one line: " + refused);
        assertTrue(refused.err().contains(cluster.url(n1)), "names the member: " + refused);
        assertTrue(refused.err().contains("client certificate"), "names what is missing: " + refused);
        assertFalse(cluster.body(n1, "/config").contains("\"pause\""), "nothing changed");

        CtlRun paused = CtlRun.of("", Map.of(), "-c", withCertificate.toString(), "pause", "--wait");
        assertEquals(0, paused.exit(), paused.toString());
        assertTrue(cluster.body(n1, "/config").contains("\"pause\":true"), cluster.body(n1, "/config"));
        CtlRun list = CtlRun.of("", Map.of(), "-c", withCertificate.toString(), "list");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains("Maintenance mode: on"), list.toString());
        CtlRun resumed = CtlRun.of("", Map.of(), "-c", withCertificate.toString(), "resume", "--wait");
        assertEquals(0, resumed.exit(), resumed.toString());
        assertFalse(cluster.body(n1, "/config").contains("\"pause\""), cluster.body(n1, "/config"));
    }
}
