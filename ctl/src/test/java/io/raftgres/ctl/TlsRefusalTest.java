package io.raftgres.ctl;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.security.cert.CertificateException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a failed TLS connection is described, over the exception shapes the JDK's HttpClient
 * throws (the messages are the JDK's own; RaftgresCtlClientCertificateTest in the agent module
 * meets the certificate_required one from a real agent).
 */
class TlsRefusalTest {

    @Test
    void aMissingClientCertificateIsAccessDeniedNamingTheSettings() {
        IOException e = new IOException("wrapped",
                new SSLException("(certificate_required) Received fatal alert: certificate_required"));
        TlsRefusal r = TlsRefusal.of(e, false).orElseThrow();
        assertTrue(r.accessDenied());
        assertEquals("the member requires a client certificate (restapi.verify_client): set ctl.certfile and "
                + "ctl.keyfile; TLS alert certificate_required", r.message());
    }

    @Test
    void aRefusedClientCertificateNamesCtlCertfile() {
        TlsRefusal r = TlsRefusal.of(new SSLHandshakeException("Received fatal alert: unknown_ca"), true).orElseThrow();
        assertTrue(r.accessDenied());
        assertTrue(r.message().startsWith("the member refused the client certificate in ctl.certfile"), r.message());
    }

    @Test
    void anUntrustedServerCertificateIsOurSideNotAccessDenied() {
        SSLHandshakeException e = new SSLHandshakeException("PKIX path building failed");
        e.initCause(new CertificateException("unable to find valid certification path to requested target"));
        TlsRefusal r = TlsRefusal.of(e, false).orElseThrow();
        assertFalse(r.accessDenied());
        assertTrue(r.message().startsWith("its TLS certificate is not accepted (set ctl.cacert"), r.message());
    }

    @Test
    void otherFailuresAreNotTls() {
        assertTrue(TlsRefusal.of(new ConnectException("refused"), false).isEmpty());
        TlsRefusal other = TlsRefusal.of(new SSLException("Received fatal alert: protocol_version"), false).orElseThrow();
        assertFalse(other.accessDenied());
    }
}
