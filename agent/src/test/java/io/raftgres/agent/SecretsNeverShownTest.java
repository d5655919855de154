package io.raftgres.agent;

import io.raftgres.testkit.TestCa;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static io.raftgres.agent.LocalAgentCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three real agents over HTTPS ({@code verify_client: optional}, an encrypted key, an allowlist)
 * with four distinctive secrets: the REST password, the PostgreSQL superuser and replication
 * passwords and the TLS key password. After a bootstrap, a dynamic-config change, refused writes
 * (no credentials, a wrong password, no client certificate, bad bodies) and a clean stop, no
 * secret appears in any agent log, PostgreSQL log, REST document ({@code /config},
 * {@code /patroni}, {@code /cluster}, {@code /history}, {@code /metrics}), error answer, or in
 * {@code --validate-config}'s output for a broken copy of the configuration.
 *
 * <p>Shown able to fail: with {@code TlsSettings.toString()} printing the key password, the
 * agent's startup line (which describes the REST security) carries it and the test fails.
 */
@Tag("postgres")
class SecretsNeverShownTest {

    private static final String REST = "rest-Secret-Q7x9";
    private static final String SUPERUSER = "su-Secret-M3k8";
    private static final String REPLICATION = "repl-Secret-W2z6";
    private static final String KEY = "kfp-Secret-H5n4";
    private static final List<String> SECRETS = List.of(REST, SUPERUSER, REPLICATION, KEY);

    @TempDir
    Path dir;

    @Test
    void noSecretInLogsDocumentsMetricsOrErrors() throws Exception {
        assumeTrue(TestCa.available(), "skipped: the openssl command is not installed");
        AgentCertificates certificates = AgentCertificates.create(dir, "it", KEY);
        TestCa ca = certificates.ca();
        Path[] server = certificates.server();
        Path[] client = certificates.client();
        String tls = ", certfile: \"%s\", keyfile: \"%s\", keyfile_password: \"%s\", cafile: \"%s\", verify_client: optional, allowlist: [127.0.0.1], allowlist_include_members: true"
                .formatted(server[0], server[1], KEY, ca.caCert());
        LocalAgentCluster.Security security = new LocalAgentCluster.Security(REST, SUPERUSER, REPLICATION, tls,
                ca.clientContext(client));
        List<String> outputs = new ArrayList<>();
        // PostgreSQL runs as the postgres user: it must reach its data directory under dir.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try (LocalAgentCluster cluster = new LocalAgentCluster(Files.createDirectories(dir.resolve("cluster")),
                security)) {
            cluster.runShowingLogs(c -> exercise(c, ca, client, outputs));
        }
        Path cluster = dir.resolve("cluster");
        List<Path> logs;
        try (Stream<Path> files = Files.walk(cluster)) {
            logs = files.filter(p -> p.toString().endsWith(".log")).toList();
        }
        assertTrue(logs.size() >= 6, "three agent logs and three PostgreSQL logs, found " + logs);
        for (Path log : logs) {
            outputs.add("log " + log + ":\n" + Files.readString(log, StandardCharsets.ISO_8859_1));
        }
        for (String output : outputs) {
            for (String secret : SECRETS) {
                assertTrue(!output.contains(secret), "the secret " + secret + " appears in " + output.lines()
                        .findFirst().orElse("") + ":\n" + output.lines().filter(l -> l.contains(secret)).toList());
            }
        }
        System.out.printf("searched %d outputs (%d logs) for %d secrets: none found%n", outputs.size(), logs.size(),
                SECRETS.size());
    }

    private static void exercise(LocalAgentCluster cluster, TestCa ca, Path[] client, List<String> outputs) throws Exception {
        for (var m : cluster.members()) {
            cluster.start(m);
        }
        await("one primary and two streaming replicas over HTTPS", Duration.ofSeconds(150), cluster::healthy);
        var primary = cluster.primaries().getFirst();
        HttpResponse<String> ok = cluster.write(primary, "PATCH", "/config",
                "{\"postgresql\": {\"parameters\": {\"work_mem\": \"9MB\"}}}", true);
        assertEquals(200, ok.statusCode(), ok.body());
        outputs.add("PATCH answer:\n" + ok.body());
        HttpResponse<String> anonymous = cluster.write(primary, "PATCH", "/config", "{\"loop_wait\": 2}", false);
        assertEquals(401, anonymous.statusCode());
        outputs.add("401 answer:\n" + anonymous.body() + anonymous.headers().map());
        for (String bad : List.of("{", "{\"ttl\": 5}", "{\"loop_wait\": \"x\"}", "[]", "{} trailing")) {
            HttpResponse<String> refused = cluster.write(primary, "PUT", "/config", bad, true);
            assertEquals(400, refused.statusCode(), bad);
            outputs.add("400 answer:\n" + refused.body());
        }
        String right = basic(REST);
        outputs.add("no client certificate:\n" + send(cluster, primary, right, ca.clientContext(null), 403));
        outputs.add("wrong password:\n" + send(cluster, primary, basic("wrong"), ca.clientContext(client), 401));
        for (var m : cluster.members()) {
            for (String path : List.of("/config", "/patroni", "/cluster", "/history", "/metrics", "/primary",
                    "/replica", "/health")) {
                outputs.add(m.name() + " " + path + ":\n" + cluster.body(m, path));
            }
        }
        assertTrue(cluster.body(primary, "/metrics").contains("patroni_primary"), "the metrics were read");
        for (var m : cluster.members()) {
            Path broken = m.dir().resolve("broken.yml");
            Files.writeString(broken, Files.readString(m.config()).replace("keyfile_password: \"" + KEY,
                    "keyfile_password: \"not-" + KEY.substring(4)));
            var out = new java.io.ByteArrayOutputStream();
            var err = new java.io.ByteArrayOutputStream();
            int code = io.raftgres.agent.config.ValidateConfigCommand.run(broken, java.util.Map.of(),
                    new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                    new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(1, code, "a wrong keyfile_password is reported");
            outputs.add("--validate-config:\n" + out + err);
            Files.delete(broken);
        }
        for (var m : cluster.members()) {
            cluster.stop(m);
        }
    }

    private static String basic(String password) {
        return "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A PATCH with {@code auth} through {@code ssl}; asserts {@code expected} and returns what came back. */
    private static String send(LocalAgentCluster cluster, LocalAgentCluster.Member m, String auth,
                               javax.net.ssl.SSLContext ssl, int expected) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newBuilder().sslContext(ssl).build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cluster.url(m) + "/config"))
                    .timeout(Duration.ofSeconds(5)).header("Authorization", auth)
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"loop_wait\": 2}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(expected, r.statusCode(), r.body());
            return r.statusCode() + " " + r.body() + r.headers().map();
        }
    }
}
