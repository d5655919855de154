package io.raftgres.agent.config;

import io.raftgres.pgcontrol.LeaseGate;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The {@code postgresql} section: this member's PostgreSQL instance and the users the agent
 * connects as. {@link #toString()} masks passwords and secret-looking parameters.
 *
 * @param listen                                  listen_addresses and port of this instance
 * @param connectAddress                          address other members connect to (default {@code listen})
 * @param dataDir                                 PGDATA
 * @param binDir                                  directory of initdb, pg_ctl, ...; null to discover
 * @param osUser                                  OS user the PostgreSQL binaries run as when the agent runs as root
 * @param superuser                               superuser the agent connects as
 * @param replication                             user replicas stream as
 * @param rewind                                  user pg_rewind connects as; null to use the superuser
 * @param parameters                              local GUC parameters, as text
 * @param pgHba                                   pg_hba.conf lines
 * @param removeDataDirectoryOnRewindFailure      re-clone when pg_rewind fails
 * @param removeDataDirectoryOnDivergedTimelines  re-clone when timelines diverged and rewind is not possible
 * @param pgpass                                  the pgpass file raftgres writes (Patroni's key); null for the
 *                                                default beside the data directory
 * @param leaseGate                               {@code lease_gate}: the agent is its primary's synchronous
 *                                                standby and acknowledges commits only while its lease holds
 *                                                (default {@value #DEFAULT_LEASE_GATE}; see the README)
 */
public record PostgresqlConfig(HostPort listen, HostPort connectAddress, Path dataDir, Path binDir, String osUser,
                               Credentials superuser, Credentials replication, Credentials rewind,
                               Map<String, String> parameters, List<String> pgHba,
                               boolean removeDataDirectoryOnRewindFailure,
                               boolean removeDataDirectoryOnDivergedTimelines, Path pgpass, boolean leaseGate) {
    static final String DEFAULT_OS_USER = "postgres";
    static final boolean DEFAULT_LEASE_GATE = true;
    static final List<String> KEYS = List.of("listen", "connect_address", "data_dir", "bin_dir", "os_user",
            "authentication", "parameters", "pg_hba", "pgpass", "remove_data_directory_on_rewind_failure",
            "remove_data_directory_on_diverged_timelines", "lease_gate");
    static final List<String> AUTHENTICATION_KEYS = List.of("superuser", "replication", "rewind");

    public PostgresqlConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(connectAddress, "connectAddress");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(osUser, "osUser");
        Objects.requireNonNull(superuser, "superuser");
        Objects.requireNonNull(replication, "replication");
        parameters = Map.copyOf(new TreeMap<>(parameters));
        pgHba = List.copyOf(pgHba);
    }

    /** The user pg_rewind connects as: {@code rewind} if configured, else the superuser. */
    public Credentials rewindUser() {
        return rewind != null ? rewind : superuser;
    }

    @Override
    public String toString() {
        return "PostgresqlConfig" + ConfigDisplay.postgresql(this);
    }

    static PostgresqlConfig read(YamlSection s) {
        int before = s.problems().count();
        s.rejectUnknownKeys(KEYS, PatroniKeys.POSTGRESQL);
        HostPort listen = s.hostPort("listen", null);
        HostPort connect = RestApiConfig.readConnectAddress(s, listen);
        Path dataDir = s.absolutePath("data_dir", null);
        Path binDir = s.has("bin_dir") ? s.absolutePath("bin_dir", null) : null;
        String osUser = s.string("os_user", DEFAULT_OS_USER);
        Credentials superuser = null;
        Credentials replication = null;
        Credentials rewind = null;
        YamlSection auth = s.requiredSection("authentication", "superuser and replication").orElse(null);
        if (auth != null) {
            auth.rejectUnknownKeys(AUTHENTICATION_KEYS);
            superuser = auth.requiredSection("superuser", "username and password")
                    .map(Credentials::readRequired).orElse(null);
            replication = auth.requiredSection("replication", "username and password")
                    .map(Credentials::readRequired).orElse(null);
            rewind = auth.section("rewind").map(Credentials::readBothOrNeither).orElse(null);
        }
        Map<String, String> parameters = PgEntries.parameters(s, "parameters");
        List<String> pgHba = PgEntries.hbaLines(s, "pg_hba");
        Boolean removeOnRewindFailure = s.bool("remove_data_directory_on_rewind_failure", false);
        Boolean removeOnDiverged = s.bool("remove_data_directory_on_diverged_timelines", false);
        Path pgpass = s.has("pgpass") ? s.absolutePath("pgpass", null) : null;
        if (pgpass != null && dataDir != null && pgpass.normalize().startsWith(dataDir.normalize())) {
            s.problem("pgpass", "must be outside data_dir (" + dataDir + "): pg_basebackup and pg_rewind replace"
                    + " the data directory's contents");
        }
        Boolean leaseGate = s.bool("lease_gate", DEFAULT_LEASE_GATE);
        if (Boolean.TRUE.equals(leaseGate)) {
            LeaseGate.conflict(parameters).ifPresent(why -> s.problem("lease_gate", why + " (postgresql.parameters)"));
        }
        if (s.problems().count() != before) {
            return null;
        }
        return new PostgresqlConfig(listen, connect, dataDir, binDir, osUser, superuser, replication, rewind,
                parameters, pgHba, removeOnRewindFailure, removeOnDiverged, pgpass, leaseGate);
    }
}
