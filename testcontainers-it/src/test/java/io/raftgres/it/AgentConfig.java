package io.raftgres.it;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Generates one member's raftgres YAML (Patroni-style keys, see ARCHITECTURE §9) for a
 * container of the suite. Members know each other by static address; every member carries a
 * {@code bootstrap} section, and Raft decides which one initializes the cluster.
 *
 * <p>The map is returned mutable so a scenario can adjust keys before rendering. Not
 * thread-safe; build, adjust and render on one thread.
 */
public final class AgentConfig {

    /** Paths inside the node image (see docker/Dockerfile). */
    public static final String CONFIG_PATH = "/etc/raftgres/raftgres.yml";
    public static final String RAFT_DATA_DIR = "/var/lib/raftgres/raft";
    public static final String PG_DATA_DIR = "/var/lib/postgresql/raftgres";
    public static final String PG_BIN_DIR = "/usr/lib/postgresql/15/bin";
    /** The suite's floating IP: outside the members' addresses, on the same subnet. */
    public static final String VIP = "172.30.77.100";
    /** The server log pg_ctl writes in the run directory beside PGDATA (PgControlConfig's default). */
    public static final String PG_LOG_PATH = PG_DATA_DIR + ".run/postgresql.log";

    private AgentConfig() {
    }

    /**
     * The configuration of {@code self} in a cluster of {@code members}.
     *
     * @param scope   cluster name
     * @param self    this member
     * @param members every member, including {@code self}
     */
    public static Map<String, Object> forMember(String scope, NodeSpec self, List<NodeSpec> members) {
        return forMember(scope, self, members, Replication.QUORUM);
    }

    /** As {@link #forMember(String, NodeSpec, List)}, replicating as {@code replication} says. */
    public static Map<String, Object> forMember(String scope, NodeSpec self, List<NodeSpec> members,
                                                Replication replication) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("scope", scope);
        root.put("name", self.name());
        root.put("restapi", map(
                "listen", "0.0.0.0:" + NodeSpec.REST_PORT,
                "connect_address", self.ip() + ":" + NodeSpec.REST_PORT,
                "authentication", map("username", ItCredentials.REST_USER, "password", ItCredentials.REST_PASSWORD)));
        root.put("raft", map(
                "self_addr", self.ip() + ":" + NodeSpec.RAFT_PORT,
                "partner_addrs", members.stream().filter(m -> !m.name().equals(self.name()))
                        .map(m -> m.ip() + ":" + NodeSpec.RAFT_PORT).toList(),
                "data_dir", RAFT_DATA_DIR));
        root.put("bootstrap", map(
                "dcs", map(
                        "loop_wait", 1,
                        "maximum_lag_on_failover", 1048576,
                        "synchronous_mode", replication.synchronousMode(),
                        "postgresql", map(
                                "use_pg_rewind", true,
                                "use_slots", true,
                                "parameters", parameters(replication, members))),
                "initdb", List.of("encoding=UTF8", "data-checksums"),
                "pg_hba", hba()));
        root.put("postgresql", map(
                "listen", "0.0.0.0:" + NodeSpec.PG_PORT,
                "connect_address", self.ip() + ":" + NodeSpec.PG_PORT,
                "data_dir", PG_DATA_DIR,
                "bin_dir", PG_BIN_DIR,
                "os_user", "postgres",
                "lease_gate", replication.leaseGate(),
                "authentication", map(
                        "superuser", map("username", ItCredentials.SUPERUSER,
                                "password", ItCredentials.SUPERUSER_PASSWORD),
                        "replication", map("username", ItCredentials.REPLICATION_USER,
                                "password", ItCredentials.REPLICATION_PASSWORD)),
                "pg_hba", hba()));
        root.put("vip", map("address", VIP + "/24", "interface", "eth0"));
        return root;
    }

    /**
     * PostgreSQL parameters of the cluster. Quorum commit only protects the writer's sessions: the
     * split-brain detector commits with {@code synchronous_commit = local}, so its checks test
     * raftgres' fencing in both modes (see {@link SplitBrainDetector}).
     */
    private static Map<String, Object> parameters(Replication replication, List<NodeSpec> members) {
        Map<String, Object> p = map("wal_log_hints", "on", "max_wal_senders", 10, "max_replication_slots", 10,
                "hot_standby", "on");
        if (replication.synchronous()) {
            // synchronous_mode manages synchronous_standby_names: quorum renders ANY 2 (raftgres_gate, a, b),
            // on renders FIRST 2 (raftgres_gate, the published standby).
            p.put("synchronous_commit", "on");
        }
        return p;
    }

    /** Renders a configuration map as block-style YAML. */
    public static String render(Map<String, Object> config) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        return new Yaml(options).dump(config);
    }

    private static List<String> hba() {
        return List.of(
                "local all all trust",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all " + NodeSpec.SUBNET + " scram-sha-256",
                "host replication " + ItCredentials.REPLICATION_USER + " " + NodeSpec.SUBNET + " scram-sha-256",
                // The lease gate's replication session comes from the agent on the same host.
                "host replication " + ItCredentials.REPLICATION_USER + " 127.0.0.1/32 scram-sha-256");
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
