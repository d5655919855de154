package io.raftgres.agent.config;

import java.util.Map;

/**
 * Patroni configuration keys that raftgres does not take, per section, each with what to do
 * instead. The loader reports them as problems with these words, and {@code --migrate-config}
 * drops them with the same words as comments, so both say the same thing. README "Coming from
 * Patroni" lists them in a table.
 */
final class PatroniKeys {
    static final String SEE = " (README: Coming from Patroni)";
    private static final String DCS = "remove it: raftgres needs no DCS, its agents form their own Raft group"
            + " (raft.self_addr, raft.partner_addrs, raft.data_dir)" + SEE;
    private static final String TIMING = "remove it: raftgres detects failure with raft.election_timeout_min/max"
            + " and raft.lease, checked against each other at load" + SEE;
    private static final String NO_TLS = "remove it: raftgres does not set TLS options on its own connections yet"
            + " (they use libpq's and PgJDBC's default, sslmode=prefer)" + SEE;

    /** Top-level keys. */
    static final Map<String, String> TOP = Map.ofEntries(
            Map.entry("etcd", DCS), Map.entry("etcd3", DCS), Map.entry("consul", DCS),
            Map.entry("zookeeper", DCS), Map.entry("exhibitor", DCS), Map.entry("kubernetes", DCS),
            Map.entry("namespace", "remove it: one Raft group serves one cluster, named by scope" + SEE),
            Map.entry("ctl", "remove it: raftgres has no patronictl; use the REST API" + SEE),
            Map.entry("citus", "remove it: raftgres does not manage Citus clusters" + SEE),
            Map.entry("thread_pool_size", "remove it: raftgres sizes its own threads" + SEE),
            Map.entry("ttl", TIMING),
            Map.entry("retry_timeout", TIMING));

    /** {@code bootstrap} keys. */
    static final Map<String, String> BOOTSTRAP = Map.of(
            "users", "removed in Patroni 4 and not taken by raftgres: create users in a bootstrap.post_bootstrap"
                    + " script, which gets the superuser's connection URL as its last argument" + SEE,
            "method", "remove it: raftgres bootstraps with initdb only (custom bootstrap methods are not"
                    + " supported)" + SEE);

    /** {@code bootstrap.dcs} keys. */
    static final Map<String, String> DCS_KEYS = Map.ofEntries(
            Map.entry("ttl", TIMING),
            Map.entry("retry_timeout", TIMING),
            Map.entry("maximum_lag_on_syncnode", "remove it: raftgres does not manage synchronous standbys" + SEE),
            Map.entry("failsafe_mode", "remove it: a raftgres primary runs exactly while it holds the Raft lease,"
                    + " so there is no DCS outage to survive" + SEE),
            Map.entry("check_timeline", "remove it: raftgres always prefers the candidate with the most WAL"
                    + " received in the current term" + SEE),
            Map.entry("slots", "remove it: raftgres manages only the members' physical slots" + SEE),
            Map.entry("ignore_slots", "remove it: raftgres drops only slots it created for members" + SEE),
            Map.entry("member_slots_ttl", "remove it: a member's slot lives as long as the member record" + SEE),
            Map.entry("standby_cluster", "remove it: standby clusters are not supported" + SEE),
            Map.entry("max_timelines_history", "remove it: raftgres keeps the whole timeline history" + SEE),
            Map.entry("primary_stop_timeout", "remove it: a lost lease stops PostgreSQL immediately, within"
                    + " raft.fence_budget" + SEE),
            Map.entry("master_stop_timeout", "remove it: a lost lease stops PostgreSQL immediately, within"
                    + " raft.fence_budget" + SEE),
            Map.entry("primary_race_backoff", "remove it: raftgres waits out the takeover delay of its timing rule"
                    + SEE),
            Map.entry("pause", "remove it: a raftgres cluster starts unpaused; maintenance mode is not set from the"
                    + " configuration" + SEE));

    /** {@code bootstrap.dcs.postgresql} keys. */
    static final Map<String, String> DCS_POSTGRESQL = Map.of(
            "pg_hba", "move it to postgresql.pg_hba (or bootstrap.pg_hba)" + SEE,
            "recovery_conf", "remove it: raftgres writes the recovery settings itself" + SEE,
            "parameters_primary", "remove it: raftgres has one parameter set for every role" + SEE,
            "parameters_replica", "remove it: raftgres has one parameter set for every role" + SEE);

    /** {@code postgresql} keys. */
    static final Map<String, String> POSTGRESQL = Map.ofEntries(
            Map.entry("bin_name", "remove it: raftgres runs the standard names in postgresql.bin_dir" + SEE),
            Map.entry("config_dir", "remove it: raftgres writes postgresql.conf into data_dir" + SEE),
            Map.entry("custom_conf", "remove it: put the settings into postgresql.parameters" + SEE),
            Map.entry("callbacks", "remove it: callbacks are not supported; health endpoints and the VIP cover"
                    + " the usual uses (load balancer, floating IP)" + SEE),
            Map.entry("pre_promote", "remove it: raftgres fences with its lease, VIP and watchdog" + SEE),
            Map.entry("before_stop", "remove it: callbacks are not supported" + SEE),
            Map.entry("create_replica_methods", "remove it: replicas are cloned with pg_basebackup" + SEE),
            Map.entry("basebackup", "remove it: raftgres runs pg_basebackup with its own options" + SEE),
            Map.entry("rewind", "remove it: raftgres runs pg_rewind with its own options (use_pg_rewind switches"
                    + " it)" + SEE),
            Map.entry("use_unix_socket", "remove it: raftgres connects to its PostgreSQL over TCP on"
                    + " postgresql.listen" + SEE),
            Map.entry("use_unix_socket_repl", "remove it: replicas stream over TCP" + SEE),
            Map.entry("pg_ctl_timeout", "remove it: raftgres waits 60 s for pg_ctl" + SEE),
            Map.entry("proxy_address", "remove it: raftgres publishes no pooler address" + SEE),
            Map.entry("pg_ident", "remove it: raftgres does not write pg_ident.conf" + SEE),
            Map.entry("use_pg_rewind", "move it to bootstrap.dcs.postgresql.use_pg_rewind" + SEE),
            Map.entry("use_slots", "move it to bootstrap.dcs.postgresql.use_slots" + SEE));

    /** Keys of a {@code postgresql.authentication.*} user. */
    static final Map<String, String> CREDENTIALS = Map.of(
            "sslmode", NO_TLS, "sslkey", NO_TLS, "sslcert", NO_TLS, "sslrootcert", NO_TLS, "sslpassword", NO_TLS,
            "sslcrl", NO_TLS, "sslcrldir", NO_TLS, "sslnegotiation", NO_TLS, "gssencmode", NO_TLS,
            "channel_binding", NO_TLS);

    private PatroniKeys() {
    }
}
