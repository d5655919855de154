package io.raftgres.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

import java.util.Set;

/**
 * Refuses a write request (POST, PUT, PATCH, DELETE) without the configured basic credentials
 * with 401 and a {@code WWW-Authenticate} challenge, before any controller reads its body.
 * Reads and health checks pass untouched. The answer never echoes what the client sent.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class WriteAuthenticationFilter {

    private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);

    private final WriteAuthentication authentication;

    WriteAuthenticationFilter(WriteAuthentication authentication) {
        this.authentication = authentication;
    }

    /** Null lets the request through; otherwise the 401 that ends it. */
    @RequestFilter
    @Nullable
    HttpResponse<?> check(HttpRequest<?> request) {
        if (!WRITES.contains(request.getMethod()) || authentication.accepts(
                request.getHeaders().get(HttpHeaders.AUTHORIZATION))) {
            return null;
        }
        return HttpResponse.status(HttpStatus.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"raftgres\", charset=\"UTF-8\"")
                .contentType(MediaType.TEXT_PLAIN_TYPE)
                .body("authentication required: write endpoints need restapi.authentication credentials");
    }
}
