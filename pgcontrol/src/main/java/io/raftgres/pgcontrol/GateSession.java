package io.raftgres.pgcontrol;

import io.raftgres.core.model.Lsn;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.copy.CopyDual;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.BooleanSupplier;

/**
 * One replication connection of the {@link LeaseGate} to the local primary: physical streaming with no
 * slot, from the server's current flush position, answering with standby status updates that it builds
 * itself, each one only after {@code leaseHeld} said yes at that moment.
 *
 * <p>Why not PgJDBC's {@code PGReplicationStream}: it answers the server's keepalives by itself, with the
 * server's WAL end as the write position, and sends periodic updates, both without asking us. A
 * {@code remote_write} commit would then be acknowledged with no lease check. So this class speaks the
 * streaming protocol's three messages itself over PgJDBC's {@link CopyDual} (the same COPY BOTH channel
 * that stream uses), and nothing is ever sent that did not pass the check.
 *
 * <p>What a reply acknowledges: only WAL this connection received ({@code XLogData} start + length) or,
 * right after connecting, the flush position IDENTIFY_SYSTEM reported. Every commit it releases was
 * therefore written before the check that allowed the reply. The WAL itself is discarded: the gate
 * stores nothing, so it pins no WAL and cannot be promoted.
 *
 * <p>Not thread-safe: one thread runs {@link #stream}; any thread may {@link #abort} (it closes the socket,
 * like the death of the agent's process).
 */
final class GateSession implements AutoCloseable {

    /** Microseconds from the Unix epoch to PostgreSQL's epoch, 2000-01-01. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    /** Replies confirming the start position before the first server message, and the gap between them. */
    private static final int START_REPLIES = 10;
    private static final long START_REPLY_GAP_MILLIS = 50;

    private final Connection connection;
    private long received;

    private GateSession(Connection connection) {
        this.connection = connection;
    }

    /** Opens a physical replication connection as the replication role, named {@link LeaseGate#APPLICATION_NAME}. */
    static GateSession open(PgControlConfig config) throws SQLException {
        Properties props = new Properties();
        PGProperty.USER.set(props, config.replication().username());
        PGProperty.PASSWORD.set(props, config.replication().password());
        PGProperty.APPLICATION_NAME.set(props, LeaseGate.APPLICATION_NAME);
        PGProperty.REPLICATION.set(props, "true");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "15");
        PGProperty.CONNECT_TIMEOUT.set(props, 1);
        PGProperty.LOGIN_TIMEOUT.set(props, 2);
        PGProperty.TCP_KEEP_ALIVE.set(props, true);
        String host = EnforcedParameters.localConnectHost(config.listenHost());
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return new GateSession(DriverManager.getConnection(
                "jdbc:postgresql://" + hostPart + ":" + config.port() + "/postgres", props));
    }

    /**
     * Streams until the server ends the stream, the connection fails, or {@code leaseHeld} says no when
     * a reply is due (then it returns and the caller closes the connection: a disconnected gate holds
     * every commit as surely as a silent one, and it lets a fast shutdown finish, whose walsenders would
     * otherwise wait for the gate to confirm the shutdown checkpoint).
     *
     * @return why the stream ended, for the log
     */
    String stream(BooleanSupplier leaseHeld) throws SQLException {
        long startLsn;
        int timeline;
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("IDENTIFY_SYSTEM")) {
            if (!rs.next()) {
                throw new SQLException("IDENTIFY_SYSTEM returned no row");
            }
            timeline = rs.getInt("timeline");
            startLsn = Lsn.parse(rs.getString("xlogpos")).value();
        }
        CopyDual copy = connection.unwrap(PGConnection.class).getCopyAPI()
                .copyDual("START_REPLICATION PHYSICAL " + new Lsn(startLsn) + " TIMELINE " + timeline);
        received = startLsn;
        byte[] first = confirmStart(copy, leaseHeld);
        if (first == null) {
            return copy.isActive() ? "the lease is not held" : "the server ended the stream";
        }
        for (byte[] message = first; ; message = copy.readFromCopy(true)) {
            if (message == null) {
                return "the server ended the stream";
            }
            ByteBuffer in = ByteBuffer.wrap(message);
            byte kind = in.get();
            boolean replyDue;
            if (kind == 'w') {
                long start = in.getLong();
                in.getLong(); // the server's WAL end; only what arrived counts
                in.getLong(); // send time
                received = Math.max(received, start + in.remaining());
                replyDue = true;
            } else if (kind == 'k') {
                in.getLong(); // the server's WAL end
                in.getLong(); // send time
                replyDue = in.get() != 0;
            } else {
                throw new SQLException("unexpected replication message type " + (char) kind);
            }
            if (replyDue && !replyIfHeld(copy, leaseHeld)) {
                return "the lease is not held";
            }
        }
    }

    /**
     * Confirms the start position until the server sends its first message, at most
     * {@link #START_REPLIES} times {@link #START_REPLY_GAP_MILLIS} apart, then returns that message
     * (null when the lease is not held or the stream ended). Why more than one reply: PostgreSQL
     * releases waiting commits only on a reply that arrives once the walsender is streaming, and a
     * reply sent right after START_REPLICATION can arrive while it is still catching up. If every
     * client is already waiting (a gate reconnecting after a short lapse), no new WAL then comes to
     * prompt another reply, and commits stayed blocked until the server's keepalive asked for one
     * (wal_sender_timeout / 2). GatedLapseTest's short lapse failed that way in 2 of 5 runs.
     */
    private byte[] confirmStart(CopyDual copy, BooleanSupplier leaseHeld) throws SQLException {
        for (int i = 0; i < START_REPLIES; i++) {
            if (!replyIfHeld(copy, leaseHeld)) {
                return null;
            }
            long until = System.nanoTime() + START_REPLY_GAP_MILLIS * 1_000_000L;
            do {
                byte[] message = copy.readFromCopy(false);
                if (message != null) {
                    return message;
                }
                if (!copy.isActive()) {
                    return null;
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while starting the gate's stream", e);
                }
            } while (System.nanoTime() - until < 0);
        }
        return copy.readFromCopy(true);
    }

    /** The received position reported as written, flushed and applied, if the lease holds right now. */
    private boolean replyIfHeld(CopyDual copy, BooleanSupplier leaseHeld) throws SQLException {
        if (!leaseHeld.getAsBoolean()) {
            return false;
        }
        byte[] reply = statusUpdate(received, System.currentTimeMillis() * 1000);
        copy.writeToCopy(reply, 0, reply.length);
        copy.flushCopy();
        return true;
    }

    /** A standby status update ('r') reporting {@code lsn} as written, flushed and applied; no reply requested. */
    static byte[] statusUpdate(long lsn, long nowEpochMicros) {
        ByteBuffer out = ByteBuffer.allocate(1 + 8 * 4 + 1);
        out.put((byte) 'r').putLong(lsn).putLong(lsn).putLong(lsn).putLong(nowEpochMicros - PG_EPOCH_MICROS)
                .put((byte) 0);
        return out.array();
    }

    /** Closes the socket at once, from any thread; the streaming thread then fails with a connection error. */
    void abort() {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            // Already closed: nothing left to cut.
        }
    }

    @Override
    public void close() {
        abort();
    }
}
