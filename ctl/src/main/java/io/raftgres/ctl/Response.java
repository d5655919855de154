package io.raftgres.ctl;

import java.net.URI;

/**
 * One member's answer. {@link #ok()} turns an error status into a {@link CtlException} whose
 * one-line message names the member, the request, the status and the server's reason.
 *
 * @param member the member's base URL
 * @param etag   the {@code ETag} header (the configuration version of {@code /config}), or null
 */
record Response(URI member, String method, String path, int status, String body, String etag) {

    boolean success() {
        return status >= 200 && status < 300;
    }

    /** This response when 2xx, else the error: 401/403 exit 4, 409/412 exit 5, others exit 1. */
    Response ok() {
        if (success()) {
            return this;
        }
        throw error();
    }

    CtlException error() {
        String reason = reason();
        String where = member + ": " + method + " " + path + " -> " + status;
        return switch (status) {
            case 401 -> new CtlException(ExitCodes.AUTH, where + " not authenticated: the REST credentials (restapi"
                    + ".authentication or ctl.authentication in the -c file) are missing or wrong");
            case 403 -> new CtlException(ExitCodes.AUTH, where + " access denied" + (reason.isEmpty() ? "" : ": " + reason));
            case 409, 412 -> new CtlException(ExitCodes.CONFLICT, where + (reason.isEmpty() ? "" : ": " + reason));
            default -> CtlException.failed(where + (reason.isEmpty() ? "" : ": " + reason));
        };
    }

    /** The body's first line, shortened: servers answer errors as one sentence of text. */
    String reason() {
        String b = body == null ? "" : body.strip();
        String line = b.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
