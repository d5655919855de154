package io.raftgres.api;

import java.util.Objects;

/**
 * Who may use the REST API, and how: basic authentication (for writes, and for reads too when
 * {@code authenticationForReads}), the client-address allowlist for writes, and HTTPS.
 * Checks run in Patroni's order: allowlist, then client certificate, then basic authentication.
 *
 * @param authentication         basic-auth user, or explicitly open writes
 * @param authenticationForReads {@code restapi.authentication_for_reads}: GET, HEAD and OPTIONS
 *                               (health checks and {@code /metrics} included) need the
 *                               credentials too; needs a configured user
 * @param allowlist              which client addresses may call write endpoints
 * @param tls                    HTTPS settings, or null for plain HTTP
 */
public record RestSecurity(WriteAuthentication authentication, boolean authenticationForReads,
                           Allowlist allowlist, TlsSettings tls) {

    public RestSecurity {
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(allowlist, "allowlist");
        if (authenticationForReads && !authentication.required()) {
            throw new IllegalArgumentException("restapi.authentication_for_reads: true needs "
                    + "restapi.authentication (a username and password to ask for)");
        }
    }

    /** For the startup log line; shows no secret (each part masks its own). */
    @Override
    public String toString() {
        return authentication + (authenticationForReads ? " for reads and writes" : " for writes, reads open")
                + ", writes from " + allowlist + ", " + (tls == null ? "plain HTTP" : "HTTPS " + tls);
    }

    /** Basic authentication (or open writes) only: reads open, every address, plain HTTP. */
    public static RestSecurity writesOnly(WriteAuthentication authentication) {
        return new RestSecurity(authentication, false, Allowlist.ANY, null);
    }
}
