package io.raftgres.api;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.micronaut.runtime.server.EmbeddedServer;

import java.time.Duration;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The running REST API: a Micronaut application context with a Netty HTTP server, started
 * programmatically by the agent with its {@link AgentFacade} registered as the only source of
 * data. Environment variables are not read, and the settings made here (listen address, CORS,
 * thread count) take precedence over system properties and any {@code application.yml}: the
 * agent's own configuration is authoritative.
 *
 * <p>Threading: {@link #start} and {@link #close} are called by the agent's main thread;
 * requests run on the server's Netty event loops (two threads). Product default listen
 * address is 127.0.0.1:8008, passed in by the agent.
 */
public final class RestServer implements AutoCloseable {

    /**
     * Largest request line plus headers accepted, in bytes; above it the request gets 431.
     * 64 KiB: what the most generous load balancers forward (AWS ALB 64 KB, nginx 4 x 8 KB).
     */
    static final int MAX_HEADER_BYTES = 64 * 1024;
    /** Largest request body accepted, in bytes; above it 413. A dynamic config is a few KiB. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    /**
     * Longest a client may take to send one request (headers and body) from its first byte;
     * then the connection is closed (see {@link RequestDeadline}). 10 s: a request is a few KiB.
     */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final ApplicationContext context;
    private final EmbeddedServer server;
    private final ServerTls tls;

    private RestServer(ApplicationContext context, EmbeddedServer server, ServerTls tls) {
        this.context = context;
        this.server = server;
        this.tls = tls;
    }

    /**
     * Starts the API on {@code host:port} and returns once it accepts connections.
     *
     * @param host   address to bind, e.g. "127.0.0.1" or "0.0.0.0"
     * @param port   TCP port, 0 for a free one (see {@link #port()})
     * @param facade the agent's view; called on every request
     * @param writes who may call write endpoints
     * @throws IllegalArgumentException for a blank host or a port outside 0..65535
     * @throws NullPointerException     for a null facade
     * @throws IllegalStateException    when the server cannot start (port in use, unknown host);
     *                                  the cause says why; nothing is left running
     */
    public static RestServer start(String host, int port, AgentFacade facade, WriteAuthentication writes) {
        StatusSnapshot first = Objects.requireNonNull(facade, "facade").snapshot();
        return start(host, port, facade, new RaftgresMetrics(first.scope(), first.memberName(), () -> LiveReadings.NONE),
                writes);
    }

    /**
     * As {@link #start(String, int, AgentFacade, WriteAuthentication)}, with the agent's metrics
     * served on {@code /metrics} (its event counters are fed by the agent, its gauges read per scrape).
     */
    public static RestServer start(String host, int port, AgentFacade facade, RaftgresMetrics metrics,
                                   WriteAuthentication writes) {
        return start(host, port, facade, metrics, RestSecurity.writesOnly(Objects.requireNonNull(writes, "writes")));
    }

    /**
     * As {@link #start(String, int, AgentFacade, RaftgresMetrics, WriteAuthentication)} with the
     * full security settings: read authentication, the allowlist and HTTPS.
     *
     * @throws IllegalArgumentException also when the TLS files cannot be used (the message names
     *                                  the setting and the file)
     */
    public static RestServer start(String host, int port, AgentFacade facade, RaftgresMetrics metrics,
                                   RestSecurity security) {
        return start(host, port, facade, metrics, security, REQUEST_TIMEOUT);
    }

    static RestServer start(String host, int port, AgentFacade facade, RaftgresMetrics metrics,
                            RestSecurity security, Duration requestTimeout) {
        Objects.requireNonNull(metrics, "metrics");
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("REST listen host must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("REST listen port must be within 0..65535, got " + port);
        }
        Objects.requireNonNull(facade, "facade");
        Objects.requireNonNull(security, "security");
        ServerTls tls = security.tls() == null ? null : ServerTls.load(security.tls());
        ApplicationContext context = ApplicationContext.builder()
                .banner(false)
                .deduceEnvironment(false)
                .deduceCloudEnvironment(false)
                .environmentPropertySource(false)
                .properties(properties(host, port))
                .build();
        context.registerSingleton(AgentFacade.class, facade);
        context.registerSingleton(RestSecurity.class, security);
        context.registerSingleton(RaftgresMetrics.class, metrics);
        try {
            context.start();
            context.getBean(NettyServerCustomizer.Registry.class).register(new ConnectionCustomizer(tls, requestTimeout));
            EmbeddedServer server = context.getBean(EmbeddedServer.class);
            server.start();
            return new RestServer(context, server, tls);
        } catch (RuntimeException e) {
            context.close();
            throw new IllegalStateException("cannot start the REST API on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The bound TCP port (the chosen one when started with port 0). */
    public int port() {
        return server.getPort();
    }

    /** Whether the API serves HTTPS. */
    public boolean secure() {
        return tls != null;
    }

    /**
     * Re-reads the TLS certificate, key and CA files (the hook for {@code POST /reload}): new
     * connections get the new certificate, open ones keep theirs. Does nothing over plain HTTP.
     *
     * @throws IllegalArgumentException naming the setting and file when the files cannot be used;
     *                                  the certificate in use stays in use
     */
    public void reloadCertificates() {
        if (tls != null) {
            tls.reload();
        }
    }

    /**
     * Stops the server and the context; in-flight requests are cut off. Returns once the port no
     * longer accepts connections (within about a second). Idempotent.
     */
    @Override
    public void close() {
        if (server.isRunning()) {
            server.stop();
        }
        if (context.isRunning()) {
            context.close();
        }
    }

    private static Map<String, Object> properties(String host, int port) {
        Map<String, Object> p = new HashMap<>();
        p.put("micronaut.server.host", host);
        p.put("micronaut.server.port", port);
        // No CORS: OPTIONS requests (HAProxy's "option httpchk OPTIONS /master") reach HealthController.
        p.put("micronaut.server.cors.enabled", false);
        // Netty's decoder limit covers all header lines together; see OversizedRequestController for the 431.
        p.put("micronaut.server.netty.max-header-size", MAX_HEADER_BYTES);
        p.put("micronaut.server.max-request-size", MAX_BODY_BYTES);
        // A health API needs few threads. Netty's default 2 s quiet period would keep the port
        // listening and the threads alive after close(); without it close() returns with both gone.
        p.put("micronaut.netty.event-loops.default.num-threads", 2);
        for (String group : new String[]{"micronaut.netty.event-loops.default", "micronaut.server.netty.parent",
                "micronaut.server.netty.worker"}) {
            p.put(group + ".shutdown-quiet-period", "0s");
            p.put(group + ".shutdown-timeout", "2s");
        }
        return p;
    }
}
