package io.raftgres.ctl;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * The {@code ctl} section's TLS settings, as patronictl's: {@code cacert} (PEM; trust these CAs
 * instead of the JDK's), {@code certfile} and {@code keyfile} (PEM client certificate and an
 * unencrypted PKCS#8 key, for {@code verify_client}), {@code insecure} (do not verify the
 * server's certificate).
 */
record TlsSettings(Path certfile, Path keyfile, Path cacert, boolean insecure) {

    /** The context for https URLs; the JDK's default when nothing is configured. */
    SSLContext context() {
        try {
            if (certfile == null && cacert == null && !insecure) {
                return SSLContext.getDefault();
            }
            if ((certfile == null) != (keyfile == null)) {
                throw CtlException.usage("ctl.certfile and ctl.keyfile go together: give both or neither");
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            KeyManagerFactory kmf = null;
            if (certfile != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                Certificate[] chain = certificates(certfile).toArray(Certificate[]::new);
                ks.setKeyEntry("client", privateKey(keyfile, chain[0].getPublicKey().getAlgorithm()), new char[0], chain);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
            }
            TrustManager[] trust = null;
            if (insecure) {
                trust = new TrustManager[]{new TrustAll()};
            } else if (cacert != null) {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                int i = 0;
                for (Certificate c : certificates(cacert)) {
                    ts.setCertificateEntry("ca" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
                trust = tmf.getTrustManagers();
            }
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), trust, null);
            return ctx;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw CtlException.usage("ctl TLS settings: " + e.getMessage());
        }
    }

    private static Collection<? extends Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new GeneralSecurityException(pem + " holds no PEM certificate");
            }
            return certs;
        }
    }

    private static PrivateKey privateKey(Path pem, String algorithm) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new GeneralSecurityException(pem + ": expected an unencrypted PKCS#8 key (BEGIN PRIVATE KEY)");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    /**
     * {@code insecure: true}: accepts any server certificate and name, as patronictl's {@code -k}.
     * An extended manager, because JSSE wraps a plain one in a host-name check.
     */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
