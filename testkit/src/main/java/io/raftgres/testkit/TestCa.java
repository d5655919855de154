package io.raftgres.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate authority made with the {@code openssl} command in a test's
 * directory: PEM files for a server (IP SAN 127.0.0.1, optionally with an encrypted key) and for
 * clients, and JDK {@link SSLContext}s that trust it or present a client certificate. EC P-256
 * keys, valid one day. Nothing is installed anywhere.
 */
public final class TestCa {

    private final Path dir;
    private final String name;

    private TestCa(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /** Whether the openssl command can be run (tests using this CA are skipped without it). */
    public static boolean available() {
        try {
            return new ProcessBuilder("openssl", "version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Creates the CA {@code name} (files {@code name-ca.pem}, {@code name-ca.key}) in {@code dir}. */
    public static TestCa create(Path dir, String name) {
        TestCa ca = new TestCa(dir, name);
        ca.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", ca.caKey().toString(), "-out", ca.caCert().toString(), "-days", "1",
                "-subj", "/CN=" + name + " test CA");
        return ca;
    }

    /** The CA certificate (PEM): what {@code restapi.cafile} or a client trusts. */
    public Path caCert() {
        return dir.resolve(name + "-ca.pem");
    }

    private Path caKey() {
        return dir.resolve(name + "-ca.key");
    }

    /**
     * Issues a certificate for {@code cn} with subject alternative names 127.0.0.1 and localhost.
     *
     * @param keyPassword encrypts the key (PKCS#8, AES-256) when not null
     * @return {certificate, key} PEM files
     */
    public Path[] issue(String cn, String keyPassword) {
        Path key = dir.resolve(cn + ".key");
        Path csr = dir.resolve(cn + ".csr");
        Path cert = dir.resolve(cn + ".pem");
        Path ext = dir.resolve(cn + ".ext");
        write(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                key.toString(), "-out", csr.toString(), "-subj", "/CN=" + cn);
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caCert().toString(), "-CAkey", caKey().toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "1", "-extfile", ext.toString());
        if (keyPassword != null) {
            Path encrypted = dir.resolve(cn + ".enc.key");
            openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", key.toString(), "-out", encrypted.toString(),
                    "-passout", "pass:" + keyPassword);
            key = encrypted;
        }
        return new Path[]{cert, key};
    }

    /** An SSL context that trusts this CA only and, when {@code client} is given, presents that certificate. */
    public SSLContext clientContext(Path[] client) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            try (InputStream in = Files.newInputStream(caCert())) {
                trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            trust.init(trusted);
            KeyManagerFactory keys = null;
            if (client != null) {
                Path p12 = dir.resolve(client[0].getFileName() + ".p12");
                openssl("pkcs12", "-export", "-in", client[0].toString(), "-inkey", client[1].toString(),
                        "-out", p12.toString(), "-passout", "pass:changeit");
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(p12)) {
                    store.load(in, "changeit".toCharArray());
                }
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, "changeit".toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a client SSL context from " + caCert(), e);
        }
    }

    private void openssl(String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl " + args[0] + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run openssl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file, e);
        }
    }
}
