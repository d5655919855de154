package io.raftgres.api;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.server.netty.AbstractNettyHttpRequest;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * The right status for a request Netty's decoder refused as too large: header fields over
 * {@link RestServer#MAX_HEADER_BYTES} get 431 (Request Header Fields Too Large, RFC 6585), a
 * request line over the line limit 414 (URI Too Long), anything else too large 413. Code only.
 *
 * <p>Micronaut reports the decoder's refusal in one of two ways, depending on where the limit
 * was crossed: as a 413 (Payload Too Large, which names the body, so a client looks for a body
 * that is not there) carrying the failed Netty request, or as the decoder's exception, which
 * would otherwise become a 500. Both end here.
 */
@Controller
final class OversizedRequestController {

    @Error(status = HttpStatus.REQUEST_ENTITY_TOO_LARGE, global = true)
    MutableHttpResponse<?> payloadTooLarge(HttpRequest<?> request) {
        Throwable cause = request instanceof AbstractNettyHttpRequest<?> netty
                ? netty.getNettyRequest().decoderResult().cause() : null;
        return HttpResponse.status(statusFor(cause));
    }

    @Error(exception = TooLongFrameException.class, global = true)
    MutableHttpResponse<?> decoderRefused(TooLongFrameException e) {
        return HttpResponse.status(statusFor(e));
    }

    private static HttpStatus statusFor(Throwable cause) {
        return switch (cause) {
            case TooLongHttpHeaderException ignored -> HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            case TooLongHttpLineException ignored -> HttpStatus.REQUEST_URI_TOO_LONG;
            case null, default -> HttpStatus.REQUEST_ENTITY_TOO_LARGE;
        };
    }
}
