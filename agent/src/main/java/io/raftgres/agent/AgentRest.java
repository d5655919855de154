package io.raftgres.agent;

import io.raftgres.agent.config.HostPort;
import io.raftgres.agent.config.RaftgresConfig;
import io.raftgres.api.AgentFacade;
import io.raftgres.api.LiveReadings;
import io.raftgres.api.RaftgresMetrics;
import io.raftgres.api.RestSecurity;
import io.raftgres.api.RestServer;
import io.raftgres.ha.Clock;

import java.nio.file.Files;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The agent's REST API for its whole life: started right after the configuration is validated, with
 * its security (authentication, allowlist, TLS) from the first answer, it serves a
 * {@link StartingFacade} while the start-up fence, the rejoin wait and Raft run, and the agent's own
 * status once its HA loop has completed a cycle. One server and one bind throughout: no port gap.
 * The metrics exist from the start too; the agent points their live readings at its lease, VIP and
 * watchdog when it has them.
 */
final class AgentRest implements AutoCloseable {
    private final RestServer server;
    private final StartingFacade facade;
    private final RaftgresMetrics metrics;
    private final RestSecurity security;
    private volatile Supplier<LiveReadings> live = () -> LiveReadings.NONE;

    private AgentRest(RaftgresConfig config, long startedAtMillis) {
        this.facade = new StartingFacade(Agent.identity(config), Files.exists(config.postgresql().dataDir()
                .resolve("PG_VERSION")), startedAtMillis);
        this.metrics = new RaftgresMetrics(config.scope(), config.name(), () -> live.get(),
                Clock.SYSTEM::monotonicMillis);
        this.security = Agent.restSecurity(config);
        HostPort listen = config.restapi().listen();
        this.server = RestServer.start(listen.host(), listen.port(), facade, metrics, security);
    }

    /**
     * Starts the API on {@code restapi.listen}; it answers "starting" until {@link #serve}.
     *
     * @param startedAtMillis the agent's start, wall clock ({@code /liveness} counts from it)
     * @throws IllegalArgumentException when the TLS files cannot be used (the message names the setting)
     * @throws IllegalStateException    when the port cannot be bound (e.g. another agent holds it)
     */
    static AgentRest start(RaftgresConfig config, long startedAtMillis) {
        return new AgentRest(config, startedAtMillis);
    }

    /** The metrics {@code /metrics} serves; the agent feeds their event counters. */
    RaftgresMetrics metrics() {
        return metrics;
    }

    /** Who may use the API and how, as the server applies it (for the start-up log line). */
    RestSecurity security() {
        return security;
    }

    /** From now on {@code /metrics} reads the lease, VIP and watchdog from {@code readings}. */
    void readLiveFrom(Supplier<LiveReadings> readings) {
        this.live = readings;
    }

    /** Serves {@code status} from the HA loop's first completed cycle on (see {@link StartingFacade}). */
    void serve(AgentFacade status, BooleanSupplier firstCycleDone) {
        facade.handOver(status, firstCycleDone);
    }

    /** As {@link RestServer#reloadCertificates()}. */
    void reloadCertificates() {
        server.reloadCertificates();
    }

    /** The bound port. */
    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
