package io.raftgres.pgcontrol;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything {@link PgCtlPostgresControl} needs to run one member's PostgreSQL. Immutable and validated
 * on construction (a bad value fails here with a message naming it, not later inside a tool);
 * {@link #toString()} never shows passwords. Build one with {@link #builder}.
 *
 * @param memberName  this member's name: application_name of its WAL receiver and source of its slot name
 * @param scope       cluster name, written as cluster_name
 * @param dataDir     PGDATA (absolute)
 * @param binDir      directory holding pg_ctl, initdb, pg_basebackup, pg_rewind, pg_controldata
 * @param runDir      directory outside PGDATA for the unix socket, the pgpass file and the server log;
 *                    outside because pg_basebackup and pg_rewind replace PGDATA's contents
 * @param listenHost  listen_addresses (our own probes connect here; a wildcard means 127.0.0.1)
 * @param port        port PostgreSQL listens on
 * @param connectHost host other members use to reach this PostgreSQL
 * @param connectPort port other members use to reach this PostgreSQL
 * @param superuser   superuser created by initdb; our probes log in as this role
 * @param replication role with REPLICATION LOGIN that replicas stream and clone with
 * @param rewind      role pg_rewind logs in as (the superuser when not configured separately)
 * @param osUser      OS account that owns PGDATA and runs the binaries when this JVM runs as root
 * @param parameters  GUCs (dynamic merged with local), rendered after the ones raftgres sets itself;
 *                    listen_addresses, port, cluster_name, hot_standby, wal_log_hints,
 *                    unix_socket_directories and the recovery settings cannot be overridden,
 *                    max_wal_senders and max_replication_slots are at least 10, wal_level is replica
 *                    or logical
 * @param pgHba       pg_hba.conf lines, written verbatim; must let the superuser in over TCP from the
 *                    listen address (the probes use it) and the replication role from the other members
 * @param initdbOptions initdb long options without dashes, e.g. {@code data-checksums}, {@code encoding=UTF8}
 * @param removeDataDirectoryOnRewindFailure wipe PGDATA when pg_rewind fails, so the member re-clones
 * @param pgCtlTimeout how long pg_ctl start/stop/promote may wait
 * @param toolTimeout  how long initdb, pg_basebackup and pg_rewind may run
 * @param immediateStopGrace how long an immediate stop (the fence) waits for the postmaster to exit on
 *                    SIGQUIT before it SIGKILLs it and its children; the agent passes half its fence budget
 * @param passfile    the pgpass file raftgres writes for its clients (Patroni's {@code postgresql.pgpass});
 *                    default {@code runDir/pgpass}
 * @param postBootstrap command run once after initdb on the bootstrapping member, with the superuser's
 *                    connection URL as its last argument and {@code PGPASSFILE} set (Patroni's
 *                    {@code bootstrap.post_bootstrap}); empty for none. Its failure fails the bootstrap.
 * @param leaseGate   whether the agent's {@link LeaseGate} is this server's synchronous standby: renders
 *                    {@code synchronous_standby_names} itself (see {@link EnforcedParameters#gateStandbyNames}),
 *                    so a configured one is refused, as is a {@code synchronous_commit} that waits for no standby
 */
public record PgControlConfig(String memberName, String scope, Path dataDir, Path binDir, Path runDir,
                              String listenHost, int port, String connectHost, int connectPort,
                              PgCredentials superuser, PgCredentials replication, PgCredentials rewind,
                              String osUser, Map<String, String> parameters, List<String> pgHba,
                              List<String> initdbOptions, boolean removeDataDirectoryOnRewindFailure,
                              Duration pgCtlTimeout, Duration toolTimeout, Duration immediateStopGrace,
                              Path passfile, List<String> postBootstrap, boolean leaseGate) {

    public PgControlConfig {
        requireText(memberName, "memberName");
        requireText(scope, "scope");
        requireText(listenHost, "listenHost");
        requireText(connectHost, "connectHost");
        requireText(osUser, "osUser");
        requireAbsolute(dataDir, "dataDir");
        requireAbsolute(binDir, "binDir");
        requireAbsolute(runDir, "runDir");
        if (runDir.normalize().startsWith(dataDir.normalize())) {
            throw new IllegalArgumentException("runDir " + runDir + " must be outside dataDir " + dataDir
                    + " (pg_basebackup and pg_rewind replace the data directory's contents)");
        }
        requirePort(port, "port");
        requirePort(connectPort, "connectPort");
        Objects.requireNonNull(superuser, "superuser");
        Objects.requireNonNull(replication, "replication");
        rewind = rewind == null ? superuser : rewind;
        parameters = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(parameters, "parameters")));
        pgHba = List.copyOf(Objects.requireNonNull(pgHba, "pgHba"));
        if (pgHba.isEmpty()) {
            throw new IllegalArgumentException("pgHba must not be empty: nobody could connect");
        }
        initdbOptions = List.copyOf(Objects.requireNonNull(initdbOptions, "initdbOptions"));
        requirePositive(pgCtlTimeout, "pgCtlTimeout");
        requirePositive(toolTimeout, "toolTimeout");
        requirePositive(immediateStopGrace, "immediateStopGrace");
        requireAbsolute(passfile, "passfile");
        if (passfile.normalize().startsWith(dataDir.normalize())) {
            throw new IllegalArgumentException("passfile " + passfile + " must be outside dataDir " + dataDir);
        }
        postBootstrap = List.copyOf(Objects.requireNonNull(postBootstrap, "postBootstrap"));
        EnforcedParameters.validate(parameters);
        if (leaseGate) {
            EnforcedParameters.validateForGate(parameters);
        }
    }

    /** Whether pg_rewind logs in with its own role rather than the superuser. */
    public boolean hasSeparateRewindRole() {
        return !rewind.username().equals(superuser.username());
    }

    /**
     * The pg_hba.conf used when none is configured: peer for local sockets, and scram-sha-256 for the
     * superuser, the replication role and the rewind role from 127.0.0.1 and each cluster host.
     *
     * @param clusterHosts addresses (IPv4/IPv6, optionally with a /mask) or host names of all members
     */
    public static List<String> defaultPgHba(PgCredentials superuser, PgCredentials replication,
                                            PgCredentials rewind, List<String> clusterHosts) {
        List<String> hosts = new ArrayList<>();
        hosts.add("127.0.0.1/32");
        for (String host : clusterHosts) {
            String cidr = toHbaAddress(host);
            if (!hosts.contains(cidr)) {
                hosts.add(cidr);
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("local all all peer");
        for (String cidr : hosts) {
            lines.add("host all " + hbaRole(superuser) + " " + cidr + " scram-sha-256");
            lines.add("host replication " + hbaRole(replication) + " " + cidr + " scram-sha-256");
            if (rewind != null && !rewind.username().equals(superuser.username())) {
                lines.add("host all " + hbaRole(rewind) + " " + cidr + " scram-sha-256");
            }
        }
        return lines;
    }

    public static Builder builder(String memberName, String scope, Path dataDir) {
        return new Builder(memberName, scope, dataDir);
    }

    private static String toHbaAddress(String host) {
        requireText(host, "cluster host");
        if (host.contains("/")) {
            return host;
        }
        if (host.contains(":")) {
            return host + "/128";
        }
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") ? host + "/32" : host;
    }

    private static String hbaRole(PgCredentials role) {
        String name = role.username();
        return name.matches("[a-z_][a-z0-9_$]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static void requireAbsolute(Path path, String name) {
        if (path == null || !path.isAbsolute()) {
            throw new IllegalArgumentException(name + " must be an absolute path, got " + path);
        }
    }

    private static void requirePort(int port, String name) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be in 1..65535, got " + port);
        }
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + duration);
        }
    }

    /**
     * Fills in defaults: binDir discovered ({@link PgBinaries#discover()}), runDir = sibling
     * {@code <dataDir>.run}, listen 127.0.0.1:5432, connect address = listen address, osUser
     * {@code postgres}, pg_ctl timeout 60 s, tool timeout 1 h, immediate stop grace 250 ms (half the
     * default fence budget), pg_hba from {@link #defaultPgHba}, no lease gate.
     * Not thread-safe; used once at startup.
     */
    public static final class Builder {
        private final String memberName;
        private final String scope;
        private final Path dataDir;
        private Path binDir;
        private Path passfile;
        private List<String> postBootstrap = List.of();
        private Path runDir;
        private String listenHost = "127.0.0.1";
        private int port = 5432;
        private String connectHost;
        private Integer connectPort;
        private PgCredentials superuser;
        private PgCredentials replication;
        private PgCredentials rewind;
        private String osUser = "postgres";
        private Map<String, String> parameters = Map.of();
        private List<String> pgHba;
        private List<String> clusterHosts = List.of();
        private List<String> initdbOptions = List.of();
        private boolean removeDataDirectoryOnRewindFailure;
        private Duration pgCtlTimeout = Duration.ofSeconds(60);
        private Duration toolTimeout = Duration.ofHours(1);
        private Duration immediateStopGrace = Duration.ofMillis(250);
        private boolean leaseGate;

        private Builder(String memberName, String scope, Path dataDir) {
            this.memberName = memberName;
            this.scope = scope;
            this.dataDir = dataDir;
        }

        public Builder binDir(Path value) { binDir = value; return this; }
        public Builder runDir(Path value) { runDir = value; return this; }
        public Builder listen(String host, int listenPort) { listenHost = host; port = listenPort; return this; }
        public Builder connect(String host, int toPort) { connectHost = host; connectPort = toPort; return this; }
        public Builder superuser(PgCredentials value) { superuser = value; return this; }
        public Builder replication(PgCredentials value) { replication = value; return this; }
        public Builder rewind(PgCredentials value) { rewind = value; return this; }
        public Builder osUser(String value) { osUser = value; return this; }
        public Builder parameters(Map<String, String> value) { parameters = value; return this; }
        public Builder pgHba(List<String> value) { pgHba = value; return this; }
        /** Hosts of all members, for the default pg_hba (ignored when {@link #pgHba} is set). */
        public Builder clusterHosts(List<String> value) { clusterHosts = value; return this; }
        public Builder initdbOptions(List<String> value) { initdbOptions = value; return this; }
        public Builder removeDataDirectoryOnRewindFailure(boolean value) {
            removeDataDirectoryOnRewindFailure = value;
            return this;
        }
        public Builder pgCtlTimeout(Duration value) { pgCtlTimeout = value; return this; }
        public Builder toolTimeout(Duration value) { toolTimeout = value; return this; }
        public Builder immediateStopGrace(Duration value) { immediateStopGrace = value; return this; }
        public Builder passfile(Path value) { passfile = value; return this; }
        public Builder postBootstrap(List<String> value) { postBootstrap = value; return this; }
        public Builder leaseGate(boolean value) { leaseGate = value; return this; }

        public PgControlConfig build() {
            Objects.requireNonNull(dataDir, "dataDir");
            Path bin = binDir != null ? binDir : PgBinaries.discover();
            Path run = runDir != null ? runDir : dataDir.resolveSibling(dataDir.getFileName() + ".run");
            String cHost = connectHost != null ? connectHost : EnforcedParameters.localConnectHost(listenHost);
            int cPort = connectPort != null ? connectPort : port;
            Objects.requireNonNull(superuser, "superuser credentials");
            Objects.requireNonNull(replication, "replication credentials");
            List<String> hba = pgHba != null && !pgHba.isEmpty() ? pgHba
                    : defaultPgHba(superuser, replication, rewind, clusterHosts);
            return new PgControlConfig(memberName, scope, dataDir, bin, run, listenHost, port, cHost, cPort,
                    superuser, replication, rewind, osUser, parameters, hba, initdbOptions,
                    removeDataDirectoryOnRewindFailure, pgCtlTimeout, toolTimeout, immediateStopGrace,
                    passfile != null ? passfile : run.resolve(ConfigFiles.PASSFILE), postBootstrap,
                    leaseGate);
        }
    }
}
