package io.raftgres.pgcontrol;

import io.raftgres.core.spi.Upstream;

import java.util.Map;
import java.util.Optional;

/**
 * Renders the files raftgres owns in and next to PGDATA: postgresql.conf (which includes initdb's
 * original as postgresql.base.conf), pg_hba.conf and the pgpass file. Pure: strings in, strings out;
 * thread-safe.
 *
 * <p>postgresql.conf carries the followed member's name in a marker comment, so {@code observe()} can
 * tell which member a data directory follows without trusting host and port to identify it.
 */
final class PgConfigRenderer {

    static final String HEADER = "# Written by raftgres; changes here are overwritten.";
    static final String UPSTREAM_MARKER = "# raftgres upstream: ";
    static final String BASE_CONF = "postgresql.base.conf";
    /** Replication connection keepalives (see {@link #primaryConninfo}): a dead peer is noticed within 15 s. */
    static final int KEEPALIVE_IDLE_S = 5;
    static final int KEEPALIVE_INTERVAL_S = 2;
    static final int KEEPALIVE_COUNT = 5;

    private final PgControlConfig config;

    PgConfigRenderer(PgControlConfig config) {
        this.config = config;
    }

    /** Replication source of a replica: the member followed and this member's slot on it (nullable). */
    record ReplicaTarget(Upstream upstream, String slotName) {
    }

    /**
     * postgresql.conf for a primary ({@code replica == null}) or for a replica of {@code replica.upstream()}.
     *
     * @param passfile pgpass file the WAL receiver reads the replication password from
     */
    String postgresqlConf(ReplicaTarget replica, String passfile) {
        StringBuilder out = new StringBuilder();
        out.append(HEADER).append('\n');
        out.append("# initdb's settings are in ").append(BASE_CONF).append("; later lines win.\n");
        out.append("include '").append(BASE_CONF).append("'\n\n");
        for (Map.Entry<String, String> e : EnforcedParameters.merge(config).entrySet()) {
            out.append(e.getKey()).append(" = ").append(confQuote(e.getValue())).append('\n');
        }
        if (replica != null && replica.upstream() == null) {
            // A standby with no upstream replays only its own WAL: the safe way to start a former
            // standby that is about to be promoted.
            out.append('\n').append("recovery_target_timeline = 'latest'\n");
        } else if (replica != null) {
            Upstream up = replica.upstream();
            out.append('\n').append(UPSTREAM_MARKER).append(oneLine(up.member())).append('\n');
            out.append("primary_conninfo = ").append(confQuote(primaryConninfo(up, passfile))).append('\n');
            if (replica.slotName() != null) {
                out.append("primary_slot_name = ").append(confQuote(replica.slotName())).append('\n');
            }
            out.append("recovery_target_timeline = 'latest'\n");
        }
        return out.toString();
    }

    /**
     * The WAL receiver's connection string; the password comes from {@code passfile}, never from here.
     *
     * <p>TCP keepalives every few seconds: PostgreSQL's WAL receiver waits for the connection handshake
     * without any timeout (it ignores connect_timeout) and wal_receiver_timeout only starts once it
     * streams, so a connection whose peer vanished without a reset that arrived (a primary that was
     * stopped with the connection still in its accept queue, on a lossy network) would otherwise hang
     * the receiver for hours, and the replica would never stream again from an unchanged primary. With
     * these the kernel probes an idle connection after {@value #KEEPALIVE_IDLE_S} s and gives up after
     * {@value #KEEPALIVE_COUNT} unanswered probes {@value #KEEPALIVE_INTERVAL_S} s apart; the receiver then
     * fails and PostgreSQL starts a new one.
     */
    String primaryConninfo(Upstream up, String passfile) {
        return "host=" + conninfoQuote(up.host())
                + " port=" + up.port()
                + " user=" + conninfoQuote(config.replication().username())
                + " application_name=" + conninfoQuote(config.memberName())
                + " passfile=" + conninfoQuote(passfile)
                + " connect_timeout=5"
                + " keepalives=1 keepalives_idle=" + KEEPALIVE_IDLE_S
                + " keepalives_interval=" + KEEPALIVE_INTERVAL_S
                + " keepalives_count=" + KEEPALIVE_COUNT;
    }

    /** A libpq connection string for pg_rewind's source, without a password. */
    String rewindSource(Upstream from) {
        return "host=" + conninfoQuote(from.host())
                + " port=" + from.port()
                + " user=" + conninfoQuote(config.rewind().username())
                + " dbname=postgres connect_timeout=5";
    }

    String pgHba() {
        return HEADER + "\n" + String.join("\n", config.pgHba()) + "\n";
    }

    /** One wildcard line per role, so the file fits whichever member is upstream. */
    String pgpass() {
        StringBuilder out = new StringBuilder();
        for (PgCredentials role : new PgCredentials[] {config.replication(), config.superuser(), config.rewind()}) {
            out.append("*:*:*:").append(pgpassEscape(role.username())).append(':')
                    .append(pgpassEscape(role.password())).append('\n');
        }
        return out.toString();
    }

    /** The member named by the upstream marker of a postgresql.conf text, if any. */
    static Optional<String> upstreamOf(String postgresqlConf) {
        for (String line : postgresqlConf.split("\n")) {
            if (line.startsWith(UPSTREAM_MARKER)) {
                String member = line.substring(UPSTREAM_MARKER.length()).strip();
                return member.isEmpty() ? Optional.empty() : Optional.of(member);
            }
        }
        return Optional.empty();
    }

    /** Whether a postgresql.conf text was written by raftgres (else it is initdb's or a copy of a foreign one). */
    static boolean isOurs(String postgresqlConf) {
        return postgresqlConf.startsWith(HEADER);
    }

    /** A GUC value in single quotes; backslash and quote are escaped as PostgreSQL's config parser expects. */
    static String confQuote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** A libpq keyword value, quoted when it is empty or holds blanks, quotes or backslashes. */
    static String conninfoQuote(String value) {
        if (!value.isEmpty() && value.chars().noneMatch(c -> Character.isWhitespace(c) || c == '\'' || c == '\\')) {
            return value;
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    static String pgpassEscape(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n]", " ");
    }
}
