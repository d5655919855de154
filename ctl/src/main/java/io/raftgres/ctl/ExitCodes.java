package io.raftgres.ctl;

import java.util.LinkedHashMap;
import java.util.Map;

/** raftgresctl's exit codes; {@link #HELP} is what {@code --help} shows on every command. */
final class ExitCodes {
    static final int OK = 0;
    /** The cluster refused or failed the request, or the operator answered no. */
    static final int FAILED = 1;
    /** Bad arguments or configuration file (picocli uses 2 for usage errors too). */
    static final int USAGE = 2;
    /** No member's REST API answered. */
    static final int UNREACHABLE = 3;
    /** The REST API refused the credentials (401) or the client (403, or its TLS client certificate). */
    static final int AUTH = 4;
    /** A concurrent change (409) or an unmet precondition (412): read again and retry. */
    static final int CONFLICT = 5;

    static final Map<String, String> HELP = help();

    private ExitCodes() {
    }

    private static Map<String, String> help() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("0", "success");
        m.put("1", "the cluster refused or failed the request, or the answer was no");
        m.put("2", "bad arguments or configuration file");
        m.put("3", "no member's REST API answered");
        m.put("4", "authentication refused (HTTP 401), access denied (403) or client certificate missing/refused");
        m.put("5", "conflict (409: changed concurrently) or precondition failed (412)");
        return m;
    }
}
