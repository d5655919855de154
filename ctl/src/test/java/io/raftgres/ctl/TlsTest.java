package io.raftgres.ctl;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ctl section's TLS settings against an HTTPS server with a self-signed certificate made in
 * the test (keytool): {@code cacert} trusts it, the JDK's default trust refuses it, and
 * {@code insecure} / {@code -k} skips verification. Client certificates (verify_client) are not
 * covered here.
 */
class TlsTest {

    @TempDir
    Path dir;

    @Test
    void cacertTrustsTheServerDefaultTrustRefusesItInsecureSkipsTheCheck() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path cert = dir.resolve("ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        exec(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", keystore.toString(), "-storepass", "changeit");
        exec(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", keystore.toString(), "-storepass",
                "changeit", "-file", cert.toString());

        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverContext(keystore)));
        try (FakeRestApi api = new FakeRestApi(https).cluster("")) {
            int port = https.getAddress().getPort();
            Path yml = dir.resolve("raftgres.yml");
            Files.writeString(yml, "restapi: {listen: \"127.0.0.1:" + port + "\", certfile: /etc/server.pem}\n"
                    + "ctl: {cacert: " + cert + "}\n");
            Run trusted = Run.of("", "-c", yml.toString(), "list");
            assertEquals(0, trusted.exit(), trusted.toString());
            assertTrue(trusted.out().contains("| n1 "), trusted.toString());

            Run untrusted = Run.of("", "--url", api.url(), "list");
            assertEquals(3, untrusted.exit(), untrusted.toString());
            assertTrue(untrusted.err().startsWith("no member answered: " + api.url() + ": "), untrusted.toString());

            Run insecure = Run.of("", "-k", "--url", api.url(), "list");
            assertEquals(0, insecure.exit(), insecure.toString());
            assertEquals(List.of(), api.writes());
        }
    }

    private static SSLContext serverContext(Path keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private static void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }
}
