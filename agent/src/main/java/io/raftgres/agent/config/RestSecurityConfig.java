package io.raftgres.agent.config;

import io.raftgres.api.Allowlist;
import io.raftgres.api.ServerTls;
import io.raftgres.api.TlsSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code restapi} keys beyond addresses and credentials, with Patroni's names:
 * {@code authentication_for_reads}, {@code allowlist}, {@code allowlist_include_members} and the
 * HTTPS files ({@code certfile}, {@code keyfile}, {@code keyfile_password}, {@code cafile},
 * {@code verify_client}). Reading checks the TLS files can really be used (so
 * {@code --validate-config} reports a wrong key password or a missing file, naming the key).
 *
 * @param authenticationForReads reads and health checks need the credentials too
 * @param allowlist              client addresses that may write (empty: any)
 * @param allowlistIncludeMembers the members' own addresses may write too
 * @param tls                    HTTPS settings, or null for plain HTTP
 */
public record RestSecurityConfig(boolean authenticationForReads, List<String> allowlist,
                                 boolean allowlistIncludeMembers, TlsSettings tls) {

    /** Reads open, any address, plain HTTP. */
    public static final RestSecurityConfig NONE = new RestSecurityConfig(false, List.of(), false, null);

    static final List<String> KEYS = List.of("authentication_for_reads", "allowlist", "allowlist_include_members",
            "certfile", "keyfile", "keyfile_password", "cafile", "verify_client");

    public RestSecurityConfig {
        allowlist = List.copyOf(allowlist);
    }

    /** The allowlist as the REST server checks it. */
    public Allowlist allowlistRule() {
        return Allowlist.of(allowlist, allowlistIncludeMembers);
    }

    static RestSecurityConfig read(YamlSection s, boolean hasAuthentication) {
        Boolean reads = s.bool("authentication_for_reads", false);
        if (Boolean.TRUE.equals(reads) && !hasAuthentication) {
            s.problem("authentication_for_reads", "true needs restapi.authentication (a username and password)");
        }
        List<String> allowlist = new ArrayList<>();
        List<?> entries = s.list("allowlist");
        for (Object entry : entries == null ? List.of() : entries) {
            if (!(entry instanceof String text)) {
                s.problem("allowlist", "entries must be addresses, CIDR blocks or host names, found "
                        + YamlSection.describe(entry));
                continue;
            }
            try {
                Allowlist.of(List.of(text), false);
                allowlist.add(text.strip());
            } catch (IllegalArgumentException e) {
                s.problem("allowlist", e.getMessage().replaceFirst("^restapi\\.allowlist: ", ""));
            }
        }
        Boolean members = s.bool("allowlist_include_members", false);
        return new RestSecurityConfig(Boolean.TRUE.equals(reads), allowlist, Boolean.TRUE.equals(members), tls(s));
    }

    private static TlsSettings tls(YamlSection s) {
        Path cert = optionalPath(s, "certfile");
        Path key = optionalPath(s, "keyfile");
        Path ca = optionalPath(s, "cafile");
        String password = s.has("keyfile_password") ? s.secret("keyfile_password", null) : null;
        String verify = s.string("verify_client", "none");
        TlsSettings.VerifyClient mode = null;
        try {
            mode = TlsSettings.VerifyClient.valueOf(verify.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            s.problem("verify_client", "must be none, optional or required, found '" + verify + "'");
        }
        if (cert == null) {
            for (String tlsKey : List.of("keyfile", "keyfile_password", "cafile")) {
                if (s.has(tlsKey)) {
                    s.problem(tlsKey, "needs restapi.certfile: HTTPS is on only with a certificate");
                }
            }
            if (mode != null && mode != TlsSettings.VerifyClient.NONE) {
                s.problem("verify_client", "needs restapi.certfile: client certificates exist only over HTTPS");
            }
            return null;
        }
        if (mode == null) {
            return null;
        }
        if (mode != TlsSettings.VerifyClient.NONE && ca == null) {
            s.problem("verify_client", mode.yamlName() + " needs restapi.cafile to verify client certificates");
            return null;
        }
        TlsSettings settings = new TlsSettings(cert, key, password, ca, mode);
        try {
            ServerTls.load(settings);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            int colon = message.indexOf(": ");
            String tlsKey = message.startsWith("restapi.") && colon > 0 ? message.substring(8, colon) : "certfile";
            s.problem(tlsKey, colon > 0 ? message.substring(colon + 2) : message);
            return null;
        }
        return settings;
    }

    private static Path optionalPath(YamlSection s, String key) {
        return s.has(key) ? s.absolutePath(key, null) : null;
    }
}
