package io.raftgres.testkit;

import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.sync.StandbyNames;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The data directory of a {@link FakePostgres}: what survives the postmaster. It holds the system
 * id, the control state pg_controldata would print, the WAL history and end, the last checkpoint
 * record, the highest timeline seen in pg_wal, and postgresql.auto.conf's synchronous_standby_names.
 * It changes through initdb, the copies (pg_basebackup, pg_rewind), removal, WAL written or received,
 * and a promotion's new timeline; whether the postmaster runs, and as what, is {@link FakePostgres}'s
 * business, and so is refusing an operation the running state forbids.
 *
 * <p>Checkpoint records are modelled because they decide whether pg_rewind has work to do, and
 * where a cleanly stopped server says it is ({@link #reportedLsn}).
 *
 * <p>Threading: single-threaded, owned by one {@link FakePostgres}.
 */
final class FakeDataDirectory {

    /** WAL bytes of a checkpoint record (shutdown or end of crash recovery). */
    static final long CHECKPOINT_RECORD_BYTES = 120;
    private static final Lsn INITIAL_LSN = new Lsn(0x0100_0028L);

    private boolean exists;
    private String systemId;
    private ControlState control = ControlState.UNKNOWN;
    private List<WalHistory.Segment> history = List.of();
    private Lsn writeLsn = Lsn.ZERO;
    /** Start and end of the last checkpoint record written here (null before the first). */
    private Lsn checkpointStart;
    private Lsn checkpointEnd;
    private long maxSeenTimeline;
    private long generation;
    /** postgresql.auto.conf's synchronous_standby_names; null: none set (postgresql.conf's value). */
    private StandbyNames standbyNames;

    boolean exists() {
        return exists;
    }

    String systemId() {
        return systemId;
    }

    ControlState control() {
        return control;
    }

    /** What pg_control says after the postmaster started, stopped or was promoted. */
    void control(ControlState state) {
        this.control = state;
    }

    List<WalHistory.Segment> history() {
        return history;
    }

    Lsn writeLsn() {
        return writeLsn;
    }

    long timeline() {
        return exists ? history.getLast().timeline() : 0;
    }

    /** The current timeline's segment, or null without a data directory. */
    WalHistory.Segment currentSegment() {
        return exists ? history.getLast() : null;
    }

    long generation() {
        return generation;
    }

    StandbyNames standbyNames() {
        return standbyNames;
    }

    void standbyNames(StandbyNames names) {
        this.standbyNames = names;
    }

    /** initdb: a new system on timeline 1, cleanly shut down. */
    void initdb(String systemIdentifier, String member) {
        replace(systemIdentifier, List.of(new WalHistory.Segment(1, member + "@initdb", INITIAL_LSN)), INITIAL_LSN,
                ControlState.SHUT_DOWN, 1);
    }

    /** pg_basebackup of {@code source}, which is in {@code state}; postgresql.auto.conf comes along. */
    void copyOf(FakeDataDirectory source, ControlState state) {
        replace(source.systemId, source.history, source.writeLsn, state, source.maxSeenTimeline);
        standbyNames = source.standbyNames;
    }

    /** Removal: nothing is left, and the next data directory here is a new generation. */
    void remove() {
        exists = false;
        systemId = null;
        control = ControlState.UNKNOWN;
        history = List.of();
        writeLsn = Lsn.ZERO;
        maxSeenTimeline = 0;
        standbyNames = null;
        generation++;
    }

    /** Appends a checkpoint record (a shutdown checkpoint, or the end of crash recovery). */
    void writeCheckpointRecord() {
        checkpointStart = writeLsn;
        writeLsn = new Lsn(writeLsn.value() + CHECKPOINT_RECORD_BYTES);
        checkpointEnd = writeLsn;
    }

    /** A client commit of {@code bytes} of WAL. */
    void append(long bytes) {
        writeLsn = new Lsn(writeLsn.value() + bytes);
    }

    /**
     * A promotion at the WAL end: a new segment on a timeline above every one seen here, named by
     * where it happened so two promotions to the same number stay apart. Returns the new timeline.
     */
    long startTimeline(String member) {
        long timeline = Math.max(maxSeenTimeline, history.getLast().timeline()) + 1;
        List<WalHistory.Segment> next = new ArrayList<>(history);
        next.add(new WalHistory.Segment(timeline, member + "@" + writeLsn, writeLsn));
        history = List.copyOf(next);
        maxSeenTimeline = timeline;
        return timeline;
    }

    /**
     * pg_rewind's copy from {@code source}: back to the fork point on the source's history, with the
     * source's configuration files; nothing changes when there is nothing to rewind.
     */
    void rewindTo(FakeDataDirectory source) {
        Lsn fork = WalHistory.forkPoint(history, writeLsn, source.history, source.writeLsn);
        if (fork == null) {
            return; // "no rewind required": pg_rewind leaves the control file alone
        }
        history = source.history;
        writeLsn = fork;
        standbyNames = source.standbyNames; // pg_rewind copies the configuration files too
        control = ControlState.IN_ARCHIVE_RECOVERY;
        maxSeenTimeline = Math.max(maxSeenTimeline, source.maxSeenTimeline);
    }

    /**
     * Streamed WAL from a server of the same system whose history this one's is compatible with;
     * returns false, changing nothing, otherwise.
     */
    boolean receive(FakePostgres.WalPosition position) {
        if (!Objects.equals(systemId, position.systemId())
                || !WalHistory.canStream(history, writeLsn, position.history(), position.lsn())) {
            return false;
        }
        history = position.history();
        if (position.lsn().isAfter(writeLsn)) {
            writeLsn = position.lsn();
        }
        maxSeenTimeline = Math.max(maxSeenTimeline, history.getLast().timeline());
        return true;
    }

    /** A {@code <timeline>.history} file in pg_wal: a later promotion picks a timeline above it. */
    void sawTimeline(long timeline) {
        if (exists) {
            maxSeenTimeline = Math.max(maxSeenTimeline, timeline);
        }
    }

    /** What a server on this data directory ships: its system, history and WAL end. */
    FakePostgres.WalPosition position() {
        return new FakePostgres.WalPosition(systemId, history, writeLsn);
    }

    /**
     * What the probe reports: a cleanly shut down server's position comes from pg_controldata,
     * whose "Latest checkpoint location" is the start of the shutdown checkpoint record (standbys
     * that received it are past it); otherwise the WAL end.
     */
    Lsn reportedLsn(boolean running) {
        return !running && control == ControlState.SHUT_DOWN && writeLsn.equals(checkpointEnd) ? checkpointStart
                : writeLsn;
    }

    private void replace(String system, List<WalHistory.Segment> hist, Lsn lsn, ControlState state, long maxTimeline) {
        exists = true;
        systemId = system;
        history = List.copyOf(hist);
        writeLsn = lsn;
        control = state;
        maxSeenTimeline = maxTimeline;
        generation++;
    }
}
