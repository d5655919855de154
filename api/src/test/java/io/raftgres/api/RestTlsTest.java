package io.raftgres.api;

import io.raftgres.testkit.TestCa;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * HTTPS on the REST API with a CA made in the test by openssl: the server certificate (with an
 * encrypted key), a client that trusts another CA refused, {@code verify_client} required and
 * optional, a certificate renewed through {@link RestServer#reloadCertificates()}, and unusable
 * files refused with the setting's name and without the key password.
 *
 * <p>Shown to fail: with the client-certificate check in {@link RestAccessFilter} removed,
 * {@link #optionalClientCertificatesAreDemandedForWritesOnly} fails (PATCH without a certificate
 * answered 200 instead of 403).
 */
class RestTlsTest {

    private static final String KEY_PASSWORD = "Key-Pass-7c1e-distinct";
    private static final String PASSWORD = "tls-admin-pw";
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString(
            ("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8));

    @TempDir
    static Path dir;
    private static TestCa ca;
    private static TestCa otherCa;
    private static Path[] server;
    private static Path[] client;
    private static Path[] strangerClient;

    @BeforeAll
    static void makeCertificates() {
        assumeTrue(TestCa.available(), "skipped: the openssl command is not installed");
        ca = TestCa.create(dir, "main");
        otherCa = TestCa.create(dir, "other");
        server = ca.issue("server", KEY_PASSWORD);
        client = ca.issue("client", null);
        strangerClient = otherCa.issue("stranger", null);
    }

    private static void withServer(TlsSettings tls, Consumer<RestServer> test) {
        FakeAgentFacade facade = new FakeAgentFacade(Snapshots.primary().build());
        RestSecurity security = new RestSecurity(WriteAuthentication.basic("admin", PASSWORD), false, Allowlist.ANY, tls);
        try (RestServer rest = RestServer.start("127.0.0.1", 0, facade, new RaftgresMetrics("demo", "n1",
                () -> LiveReadings.NONE), security)) {
            test.accept(rest);
        }
    }

    private static TlsSettings tls(TlsSettings.VerifyClient verify) {
        return new TlsSettings(server[0], server[1], KEY_PASSWORD, verify == TlsSettings.VerifyClient.NONE ? null
                : ca.caCert(), verify);
    }

    private static HttpResponse<String> send(SSLContext ssl, int port, String method, String path, String auth)
            throws IOException {
        HttpClient http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{\"loop_wait\": 2}"))
                .header("Content-Type", "application/json");
        if (auth != null) {
            request.header("Authorization", auth);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            http.close();
        }
    }

    @Test
    void httpsServesClientsThatTrustTheCaAndRefusesOthers() {
        withServer(tls(TlsSettings.VerifyClient.NONE), rest -> {
            assertTrue(rest.secure());
            try {
                HttpResponse<String> ok = send(ca.clientContext(null), rest.port(), "GET", "/patroni", null);
                assertEquals(200, ok.statusCode());
                assertEquals(200, send(ca.clientContext(null), rest.port(), "PATCH", "/config", AUTH).statusCode());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertThrows(IOException.class, () -> send(otherCa.clientContext(null), rest.port(), "GET", "/patroni", null),
                    "a client trusting another CA must refuse the server");
            AssertionError plain = assertThrows(AssertionError.class, () -> new ApiClient(rest.port()).send("GET",
                    "/patroni"), "plain HTTP on the HTTPS port gets no answer");
            assertTrue(plain.getCause() instanceof IOException, plain.toString());
        });
    }

    @Test
    void requiredClientCertificatesAreDemandedInTheHandshake() {
        withServer(tls(TlsSettings.VerifyClient.REQUIRED), rest -> {
            assertThrows(IOException.class, () -> send(ca.clientContext(null), rest.port(), "GET", "/patroni", null),
                    "no client certificate");
            assertThrows(IOException.class, () -> send(otherCa.clientContext(strangerClient), rest.port(), "GET",
                    "/patroni", null), "a certificate from another CA");
            try {
                assertEquals(200, send(ca.clientContext(client), rest.port(), "GET", "/patroni", null).statusCode());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void optionalClientCertificatesAreDemandedForWritesOnly() {
        withServer(tls(TlsSettings.VerifyClient.OPTIONAL), rest -> {
            try {
                SSLContext anonymous = ca.clientContext(null);
                assertEquals(200, send(anonymous, rest.port(), "GET", "/patroni", null).statusCode());
                HttpResponse<String> refused = send(anonymous, rest.port(), "PATCH", "/config", AUTH);
                assertEquals(403, refused.statusCode());
                assertTrue(refused.body().contains("client certificate required"), refused.body());
                assertEquals(200, send(ca.clientContext(client), rest.port(), "PATCH", "/config", AUTH).statusCode());
                assertEquals(401, send(ca.clientContext(client), rest.port(), "PATCH", "/config", null).statusCode(),
                        "a certificate does not replace the password");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void reloadPicksUpARenewedCertificateAndKeepsTheOldOneWhenTheNewFilesAreBad() throws IOException {
        Path cert = dir.resolve("live.pem");
        Path key = dir.resolve("live.key");
        Files.copy(server[0], cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(server[1], key, StandardCopyOption.REPLACE_EXISTING);
        Path[] renewed = ca.issue("renewed", KEY_PASSWORD);
        TlsSettings settings = new TlsSettings(cert, key, KEY_PASSWORD, null, TlsSettings.VerifyClient.NONE);
        withServer(settings, rest -> {
            try {
                assertEquals("CN=server", subject(rest.port()));
                Files.copy(renewed[0], cert, StandardCopyOption.REPLACE_EXISTING);
                Files.copy(renewed[1], key, StandardCopyOption.REPLACE_EXISTING);
                assertEquals("CN=server", subject(rest.port()), "nothing changes before the reload");
                rest.reloadCertificates();
                assertEquals("CN=renewed", subject(rest.port()));
                Files.writeString(key, "not a key");
                IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, rest::reloadCertificates);
                assertTrue(bad.getMessage().startsWith("restapi.keyfile: "), bad.getMessage());
                assertEquals("CN=renewed", subject(rest.port()), "a failed reload keeps the certificate in use");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void unusableFilesAreRefusedNamingTheSettingWithoutThePassword() {
        FakeAgentFacade facade = new FakeAgentFacade(Snapshots.primary().build());
        for (TlsSettings bad : new TlsSettings[]{
                new TlsSettings(server[0], server[1], "wrong-" + KEY_PASSWORD, null, TlsSettings.VerifyClient.NONE),
                new TlsSettings(server[0], server[1], null, null, TlsSettings.VerifyClient.NONE),
                new TlsSettings(dir.resolve("missing.pem"), server[1], KEY_PASSWORD, null, TlsSettings.VerifyClient.NONE),
                new TlsSettings(server[0], server[1], KEY_PASSWORD, dir.resolve("none.pem"),
                        TlsSettings.VerifyClient.REQUIRED)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RestServer.start(
                    "127.0.0.1", 0, facade, new RaftgresMetrics("demo", "n1", () -> LiveReadings.NONE),
                    new RestSecurity(WriteAuthentication.basic("admin", PASSWORD), false, Allowlist.ANY, bad)));
            assertTrue(e.getMessage().matches("restapi\\.(certfile|keyfile|cafile): .*"), e.getMessage());
            assertFalse(e.getMessage().contains(KEY_PASSWORD), e.getMessage());
            assertFalse(bad.toString().contains(KEY_PASSWORD), bad.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> new TlsSettings(server[0], server[1], null, null,
                TlsSettings.VerifyClient.OPTIONAL), "verify_client without a CA");
    }

    private static String subject(int port) throws IOException {
        HttpResponse<String> r = send(ca.clientContext(null), port, "GET", "/patroni", null);
        X509Certificate presented = (X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0];
        return presented.getSubjectX500Principal().getName();
    }
}
