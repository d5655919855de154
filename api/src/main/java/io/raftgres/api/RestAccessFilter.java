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
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.util.List;
import java.util.Set;

/**
 * Applies {@link RestSecurity} before any controller reads a body, in Patroni's order: a write
 * (POST, PUT, PATCH, DELETE) from an address outside the allowlist gets 403, a write without a
 * verified client certificate under {@code verify_client: optional} gets 403, then a request
 * that needs basic authentication (every write; every read too with
 * {@code authentication_for_reads}) and lacks it gets 401 with a {@code WWW-Authenticate}
 * challenge. The answers never echo what the client sent. A write that passes these checks while
 * the agent is still starting ({@link AgentFacade#startingReason()}) gets 503 with the agent's
 * sentence and reaches no controller: nothing is written before the agent can carry it out.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class RestAccessFilter {

    private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);

    private final RestSecurity security;
    private final AgentFacade facade;

    RestAccessFilter(RestSecurity security, AgentFacade facade) {
        this.security = security;
        this.facade = facade;
    }

    /** Null lets the request through; otherwise the 401, 403 or 503 that ends it. */
    @RequestFilter
    @Nullable
    HttpResponse<?> check(HttpRequest<?> request) {
        boolean write = WRITES.contains(request.getMethod());
        if (write && security.allowlist().restricts()
                && !security.allowlist().permits(request.getRemoteAddress().getAddress(), memberUrls())) {
            return text(HttpStatus.FORBIDDEN, "access is denied: this address is not in restapi.allowlist");
        }
        if (write && security.tls() != null && security.tls().verifyClient() == TlsSettings.VerifyClient.OPTIONAL
                && !hasVerifiedClientCertificate(request)) {
            return text(HttpStatus.FORBIDDEN, "client certificate required: write endpoints need a certificate "
                    + "signed by restapi.cafile");
        }
        if ((write || security.authenticationForReads())
                && !security.authentication().accepts(request.getHeaders().get(HttpHeaders.AUTHORIZATION))) {
            return text(HttpStatus.UNAUTHORIZED, write
                    ? "authentication required: write endpoints need restapi.authentication credentials"
                    : "authentication required: restapi.authentication_for_reads is on")
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"raftgres\", charset=\"UTF-8\"");
        }
        String starting = write ? facade.startingReason() : null;
        return starting == null ? null : text(HttpStatus.SERVICE_UNAVAILABLE, starting);
    }

    private List<String> memberUrls() {
        return facade.snapshot().cluster().members().values().stream()
                .map(m -> m.apiUrl()).filter(u -> u != null).toList();
    }

    /**
     * Whether the TLS session carries a client certificate the handshake verified against the CA.
     * The connection's SSL handler is reached through Micronaut's public
     * {@code NettyHttpRequest.getChannelHandlerContext()}, called reflectively because that class
     * cannot be compiled against without Reactor; anything unexpected counts as no certificate.
     */
    private static boolean hasVerifiedClientCertificate(HttpRequest<?> request) {
        try {
            Object context = request.getClass().getMethod("getChannelHandlerContext").invoke(request);
            SslHandler ssl = ((ChannelHandlerContext) context).pipeline().get(SslHandler.class);
            return ssl != null && ssl.engine().getSession().getPeerCertificates().length > 0;
        } catch (SSLPeerUnverifiedException | ReflectiveOperationException | ClassCastException e) {
            return false;
        }
    }

    private static io.micronaut.http.MutableHttpResponse<String> text(HttpStatus status, String body) {
        return HttpResponse.status(status).contentType(MediaType.TEXT_PLAIN_TYPE).body(body);
    }
}
