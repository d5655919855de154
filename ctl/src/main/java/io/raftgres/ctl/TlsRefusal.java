package io.raftgres.ctl;

import javax.net.ssl.SSLException;
import java.security.cert.CertificateException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a failed TLS connection into one sentence an operator can act on. The JDK reports a
 * member that refused our client certificate ({@code verify_client: required}) only as an alert
 * name ("Received fatal alert: certificate_required"), and a server certificate we do not trust
 * as a PKIX path error; both read like a network failure otherwise.
 *
 * @param accessDenied the member refused this client (exit code 4, as a 403), rather than the
 *                     connection failing on our side (exit code 3)
 * @param message      what went wrong and which setting fixes it, without the URL
 */
record TlsRefusal(boolean accessDenied, String message) {

    /** TLS alerts a server sends when it refuses the client's certificate or its absence. */
    private static final Set<String> CLIENT_CERTIFICATE_ALERTS = Set.of("certificate_required", "bad_certificate",
            "unknown_ca", "certificate_unknown", "certificate_expired", "certificate_revoked",
            "unsupported_certificate", "access_denied");
    private static final Pattern ALERT = Pattern.compile("Received fatal alert: (\\w+)");

    /**
     * The TLS failure in {@code error}'s causes, described; empty when it is not a TLS failure.
     *
     * @param clientCertificate whether {@code ctl.certfile} was presented
     */
    static Optional<TlsRefusal> of(Throwable error, boolean clientCertificate) {
        SSLException ssl = null;
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SSLException e && ssl == null) {
                ssl = e;
            }
            if (t instanceof CertificateException) {
                return Optional.of(new TlsRefusal(false, "its TLS certificate is not accepted (set ctl.cacert or "
                        + "restapi.cafile to the CA that signed it, or -k to skip the check): " + t.getMessage()));
            }
        }
        if (ssl == null) {
            return Optional.empty();
        }
        Matcher alert = ALERT.matcher(String.valueOf(ssl.getMessage()));
        if (alert.find() && CLIENT_CERTIFICATE_ALERTS.contains(alert.group(1))) {
            String what = clientCertificate
                    ? "the member refused the client certificate in ctl.certfile (is it signed by the CA in the "
                    + "member's restapi.cafile?)"
                    : "the member requires a client certificate (restapi.verify_client): set ctl.certfile and "
                    + "ctl.keyfile";
            return Optional.of(new TlsRefusal(true, what + "; TLS alert " + alert.group(1)));
        }
        return Optional.of(new TlsRefusal(false, "TLS failed: " + ssl.getMessage()));
    }
}
