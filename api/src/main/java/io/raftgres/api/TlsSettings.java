package io.raftgres.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The REST API's HTTPS settings, with Patroni's key names ({@code restapi.certfile}, ...).
 * {@link #toString()} never shows the key password.
 *
 * @param certfile        PEM certificate chain the server presents (HTTPS is on when this is set)
 * @param keyfile         PEM private key (PKCS#8, optionally encrypted); null when it is in {@code certfile}
 * @param keyfilePassword password of an encrypted {@code keyfile}, else null
 * @param cafile          PEM CA certificates that client certificates must chain to; null when
 *                        clients are not verified
 * @param verifyClient    whether client certificates are asked for
 */
public record TlsSettings(Path certfile, Path keyfile, String keyfilePassword, Path cafile,
                          VerifyClient verifyClient) {

    /** Patroni's {@code restapi.verify_client}. */
    public enum VerifyClient {
        /** No client certificate is asked for. */
        NONE,
        /** A certificate is asked for; write endpoints refuse a client without one (403). */
        OPTIONAL,
        /** The TLS handshake fails without a certificate the CA signed: every request needs one. */
        REQUIRED;

        /** The YAML spelling: none, optional, required. */
        public String yamlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public TlsSettings {
        Objects.requireNonNull(certfile, "certfile");
        Objects.requireNonNull(verifyClient, "verifyClient");
        if (verifyClient != VerifyClient.NONE && cafile == null) {
            throw new IllegalArgumentException("restapi.verify_client: " + verifyClient.yamlName()
                    + " needs restapi.cafile to verify client certificates against");
        }
    }

    /** The file holding the private key: {@code keyfile}, or {@code certfile} when none is given. */
    public Path keyPath() {
        return keyfile == null ? certfile : keyfile;
    }

    @Override
    public String toString() {
        return "TlsSettings[certfile=" + certfile + ", keyfile=" + keyfile + ", keyfile_password="
                + (keyfilePassword == null ? "none" : "******") + ", cafile=" + cafile + ", verify_client="
                + verifyClient.yamlName() + "]";
    }
}
