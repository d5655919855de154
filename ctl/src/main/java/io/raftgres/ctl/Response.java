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

    /**
     * The server's reason: the body's first line, shortened (raftgres and Patroni answer errors
     * as one sentence of text), or the message of a framework's JSON error document.
     */
    String reason() {
        String b = body == null ? "" : body.strip();
        if (b.startsWith("{")) {
            b = jsonMessage(b);
        }
        String line = b.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** Micronaut's {@code {"message": ..., "_embedded": {"errors": [{"message": ...}]}}}: the most specific message. */
    private String jsonMessage(String b) {
        try {
            Object doc = Documents.json(this);
            if (doc instanceof java.util.Map<?, ?> m) {
                if (m.get("_embedded") instanceof java.util.Map<?, ?> e && e.get("errors") instanceof java.util.List<?> l
                        && !l.isEmpty() && l.getFirst() instanceof java.util.Map<?, ?> first && first.get("message") != null) {
                    return first.get("message").toString();
                }
                if (m.get("message") != null) {
                    return m.get("message").toString();
                }
            }
        } catch (CtlException notJson) {
            // fall through: show the text as it came
        }
        return b;
    }
}
