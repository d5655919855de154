package io.raftgres.testkit;

import io.raftgres.core.decide.RetryPolicy;
import io.raftgres.core.model.Activity;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.spi.PostgresControl;
import io.raftgres.core.spi.PostgresControlException;
import io.raftgres.core.spi.StopMode;
import io.raftgres.core.spi.Upstream;
import io.raftgres.core.sync.StandbyNames;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A PostgreSQL instance without PostgreSQL: a data directory (system id, control state, timeline
 * history, WAL position, configured upstream) and a postmaster that is stopped, a primary or a
 * standby. Every {@link PostgresControl} operation takes effect at once and throws
 * {@link PostgresControlException} when the real one would fail; callers that want durations
 * (the simulated agent) call them when the operation would finish.
 *
 * <p>Checkpoint records are modelled because they decide whether pg_rewind has work to do: a
 * fast stop of a primary writes a shutdown checkpoint (and hands it to connected standbys), and
 * crash recovery (a start after a crash, or pg_rewind's single-user run) writes one too.
 *
 * <p>WAL history is a list of {@link WalHistory.Segment}s; each promotion starts a new segment
 * named by where it happened, so two promotions to the same timeline number are told apart and
 * a diverged standby cannot stream ({@link WalHistory#canStream}). Replicas receive WAL only
 * through {@link #receiveWal}, which the simulation calls when a message from the upstream
 * arrives.
 *
 * <p>Threading: single-threaded.
 */
public final class FakePostgres implements PostgresControl {

    /** What a sending server ships: its system, history and flush position at send time. */
    public record WalPosition(String systemId, List<WalHistory.Segment> history, Lsn lsn) {
        @Override
        public String toString() {
            return "WAL tl" + history.getLast().timeline() + " up to " + lsn;
        }
    }

    /** Notified of promotions (the invariants check lag against the leader claim). */
    public interface PromotionListener {
        void promoted(String node, Lsn at, long newTimeline);
    }

    /** How long after the last WAL message a standby still reports {@code streaming}. */
    static final long STREAMING_WINDOW_MILLIS = 1000;
    /** WAL bytes of a checkpoint record (shutdown or end of crash recovery). */
    static final long CHECKPOINT_RECORD_BYTES = 120;
    private static final Lsn INITIAL_LSN = new Lsn(0x0100_0028L);

    private final String name;
    private final LongSupplier clock;
    private final PeerDirectory peers;
    private final Supplier<String> systemIds;
    private PromotionListener promotionListener = (node, at, tl) -> { };
    private Consumer<FakePostgres> shutdownFlush = pg -> { };

    private boolean hasData;
    private String systemId;
    private ControlState control = ControlState.UNKNOWN;
    private List<WalHistory.Segment> history = List.of();
    private Lsn writeLsn = Lsn.ZERO;
    /** Start and end of the last checkpoint record written here (null before the first). */
    private Lsn checkpointStart;
    private Lsn checkpointEnd;
    private String upstream;
    private long maxSeenTimeline;
    private long generation;
    private boolean running;
    private boolean inRecovery;
    private long lastWalMillis = Long.MIN_VALUE / 2;
    private boolean brokenStart;
    private Set<String> slots = Set.of();
    /** postgresql.auto.conf's synchronous_standby_names; null: none set (postgresql.conf's value). */
    private StandbyNames standbyNames;

    /** Finds another member's PostgreSQL if this host can reach it now, else null. */
    @FunctionalInterface
    public interface PeerDirectory {
        FakePostgres reach(String from, String to);
    }

    public FakePostgres(String name, LongSupplier clock, PeerDirectory peers, Supplier<String> systemIds) {
        this.name = name;
        this.clock = clock;
        this.peers = peers;
        this.systemIds = systemIds;
    }

    public void onPromotion(PromotionListener listener) {
        this.promotionListener = listener;
    }

    /** Called when a primary shuts down cleanly, to hand its last WAL to connected standbys. */
    public void onShutdownFlush(Consumer<FakePostgres> flush) {
        this.shutdownFlush = flush;
    }

    @Override
    public LocalPgState observe() {
        WalHistory.Segment current = hasData ? history.getLast() : null;
        return new LocalPgState(hasData, systemId, hasData ? control : ControlState.UNKNOWN, running,
                running && inRecovery, current == null ? 0 : current.timeline(), reportedLsn(), reportedLsn(),
                isStreaming(),
                upstream, current == null ? null : current.start(), Activity.NONE, null, Activity.NONE, -1,
                hasData ? 150_004 : 0, null);
    }

    @Override
    public void bootstrap() {
        if (hasData) {
            throw new PostgresControlException("initdb: directory of " + name + " exists and is not empty");
        }
        replaceDataDirectory(systemIds.get(), List.of(new WalHistory.Segment(1, name + "@initdb", INITIAL_LSN)),
                INITIAL_LSN, ControlState.SHUT_DOWN, 1);
        startPrimary();
    }

    @Override
    public void cloneFrom(Upstream from) {
        requireStopped("pg_basebackup");
        FakePostgres source = reachRunning(from, "pg_basebackup");
        replaceDataDirectory(source.systemId, source.history, source.writeLsn,
                source.inRecovery ? ControlState.IN_ARCHIVE_RECOVERY : ControlState.IN_PRODUCTION,
                source.maxSeenTimeline);
        standbyNames = source.standbyNames; // pg_basebackup copies postgresql.auto.conf
    }

    @Override
    public void startPrimary() {
        requireData("start");
        if (running) {
            if (!inRecovery) {
                return;
            }
            throw new PostgresControlException(name + " runs as a standby; promote it instead");
        }
        requireStartable();
        if (control == ControlState.IN_PRODUCTION || control == ControlState.IN_CRASH_RECOVERY) {
            writeCheckpointRecord(); // crash recovery ends with a checkpoint
        }
        running = true;
        inRecovery = false;
        upstream = null;
        control = ControlState.IN_PRODUCTION;
    }

    @Override
    public void follow(Upstream target, String selfSlot) {
        requireData("start as standby");
        String member = target == null ? null : target.member();
        if (running && inRecovery) {
            upstream = member;
            lastWalMillis = Long.MIN_VALUE / 2;
            return;
        }
        if (running) {
            stop(StopMode.FAST);
        }
        requireStartable();
        running = true;
        inRecovery = true;
        upstream = member;
        control = ControlState.IN_ARCHIVE_RECOVERY;
        lastWalMillis = Long.MIN_VALUE / 2;
    }

    @Override
    public void stop(StopMode mode) {
        if (!running) {
            return;
        }
        if (mode == StopMode.FAST) {
            control = inRecovery ? ControlState.SHUT_DOWN_IN_RECOVERY : ControlState.SHUT_DOWN;
            if (!inRecovery) {
                // Shutdown checkpoint; walsenders send it to connected standbys before the postmaster exits.
                writeCheckpointRecord();
                shutdownFlush.accept(this);
            }
        } else {
            control = inRecovery ? ControlState.IN_ARCHIVE_RECOVERY : ControlState.IN_PRODUCTION;
        }
        running = false;
        inRecovery = false;
        lastWalMillis = Long.MIN_VALUE / 2;
    }

    @Override
    public void promote() {
        if (!running || !inRecovery) {
            throw new PostgresControlException("pg_ctl promote on " + name + ": server is not in standby mode");
        }
        long timeline = Math.max(maxSeenTimeline, history.getLast().timeline()) + 1;
        List<WalHistory.Segment> next = new ArrayList<>(history);
        next.add(new WalHistory.Segment(timeline, name + "@" + writeLsn, writeLsn));
        history = List.copyOf(next);
        maxSeenTimeline = timeline;
        inRecovery = false;
        upstream = null;
        control = ControlState.IN_PRODUCTION;
        promotionListener.promoted(name, writeLsn, timeline);
    }

    @Override
    public void rewind(Upstream from) {
        requireData("pg_rewind");
        requireStopped("pg_rewind");
        FakePostgres source = reachRunning(from, "pg_rewind");
        if (!Objects.equals(systemId, source.systemId)) {
            throw new PostgresControlException("pg_rewind: source and target clusters are from different systems");
        }
        if (control == ControlState.IN_PRODUCTION || control == ControlState.IN_CRASH_RECOVERY) {
            // pg_rewind first runs single-user crash recovery on a target that was not shut down cleanly.
            writeCheckpointRecord();
            control = ControlState.SHUT_DOWN;
        }
        upstream = from.member();
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

    @Override
    public void removeDataDirectory() {
        requireStopped("removing the data directory");
        hasData = false;
        systemId = null;
        control = ControlState.UNKNOWN;
        history = List.of();
        writeLsn = Lsn.ZERO;
        upstream = null;
        maxSeenTimeline = 0;
        standbyNames = null;
        generation++;
    }

    @Override
    public void ensureSlots(Set<String> slotNames) {
        slots = Set.copyOf(slotNames);
    }

    /** The postmaster is killed (no shutdown checkpoint); the data directory stays. */
    public void crash() {
        stop(StopMode.IMMEDIATE);
    }

    /**
     * A {@code <timeline>.history} file appears in pg_wal (restored from an archive, or written by
     * an agent): a later promotion picks a timeline above it.
     */
    public void addTimelineHistoryFile(long timeline) {
        if (hasData) {
            maxSeenTimeline = Math.max(maxSeenTimeline, timeline);
        }
    }

    /** The agent's placeholder history files: PostgreSQL's next promotion picks a number above {@code upTo}. */
    @Override
    public void reserveTimelines(long upTo) {
        addTimelineHistoryFile(upTo);
    }

    /**
     * {@code ALTER SYSTEM SET synchronous_standby_names} and a reload: takes effect at once, on a
     * primary or a standby (where PostgreSQL ignores it until a promotion).
     */
    public void setStandbyNames(StandbyNames names) {
        requireData("ALTER SYSTEM");
        standbyNames = names;
    }

    /** postgresql.auto.conf's synchronous_standby_names, or null when raftgres never set one here. */
    public StandbyNames standbyNames() {
        return standbyNames;
    }

    /** Makes every start fail (a broken data directory or config) until cleared. */
    public void setBrokenStart(boolean broken) {
        this.brokenStart = broken;
    }

    /** A client commit of {@code bytes} of WAL; ignored unless this server accepts writes. */
    public void clientWrite(long bytes) {
        if (isWritable()) {
            writeLsn = new Lsn(writeLsn.value() + bytes);
        }
    }

    /** Takes WAL from {@code from} if this is a standby configured to stream from it and its history allows. */
    public void receiveWal(String from, WalPosition position) {
        if (!running || !inRecovery || !from.equals(upstream) || !Objects.equals(systemId, position.systemId())) {
            return;
        }
        if (!WalHistory.canStream(history, writeLsn, position.history(), position.lsn())) {
            return;
        }
        history = position.history();
        if (position.lsn().isAfter(writeLsn)) {
            writeLsn = position.lsn();
        }
        maxSeenTimeline = Math.max(maxSeenTimeline, history.getLast().timeline());
        lastWalMillis = clock.getAsLong();
    }

    /** What this server would ship to a standby right now, or null when it is not running. */
    public WalPosition walPosition() {
        return running ? new WalPosition(systemId, history, writeLsn) : null;
    }

    public String name() {
        return name;
    }

    public boolean isWritable() {
        return running && !inRecovery;
    }

    public boolean isRunning() {
        return running;
    }

    public boolean isStandby() {
        return running && inRecovery;
    }

    public String upstream() {
        return upstream;
    }

    public boolean isStreaming() {
        return running && inRecovery && upstream != null
                && clock.getAsLong() - lastWalMillis <= STREAMING_WINDOW_MILLIS;
    }

    public long timeline() {
        return hasData ? history.getLast().timeline() : 0;
    }

    public Lsn writeLsn() {
        return writeLsn;
    }

    public List<WalHistory.Segment> history() {
        return history;
    }

    public Set<String> slots() {
        return slots;
    }

    /** Increments whenever the data directory is replaced (clone, removal, initdb). */
    public long generation() {
        return generation;
    }

    @Override
    public String toString() {
        String process = !running ? "stopped" : inRecovery ? "standby of " + upstream
                + (isStreaming() ? " (streaming)" : " (not streaming)") : "PRIMARY";
        return name + ": " + (hasData ? process + ", timeline " + timeline() + " at " + writeLsn + ", "
                + control.text() + ", history " + history : "no data directory");
    }

    private void writeCheckpointRecord() {
        checkpointStart = writeLsn;
        writeLsn = new Lsn(writeLsn.value() + CHECKPOINT_RECORD_BYTES);
        checkpointEnd = writeLsn;
    }

    /**
     * What the probe reports: a cleanly shut down server's position comes from pg_controldata,
     * whose "Latest checkpoint location" is the start of the shutdown checkpoint record (standbys
     * that received it are past it); otherwise the WAL end.
     */
    private Lsn reportedLsn() {
        return !running && control == ControlState.SHUT_DOWN && writeLsn.equals(checkpointEnd) ? checkpointStart
                : writeLsn;
    }

    private void replaceDataDirectory(String system, List<WalHistory.Segment> hist, Lsn lsn, ControlState state,
                                      long maxTimeline) {
        hasData = true;
        systemId = system;
        history = List.copyOf(hist);
        writeLsn = lsn;
        control = state;
        upstream = null;
        maxSeenTimeline = maxTimeline;
        generation++;
    }

    private void requireData(String what) {
        if (!hasData) {
            throw new PostgresControlException(what + " on " + name + ": no data directory");
        }
    }

    private void requireStopped(String what) {
        if (running) {
            throw new PostgresControlException(what + " on " + name + ": PostgreSQL is running");
        }
    }

    private void requireStartable() {
        if (brokenStart) {
            throw new PostgresControlException("pg_ctl start on " + name + ": server did not start (broken start)");
        }
    }

    private FakePostgres reachRunning(Upstream from, String what) {
        FakePostgres source = from == null ? null : peers.reach(name, from.member());
        // As pgcontrol says it: a rewind that could not use its source names that, so the agent
        // retries it rather than taking it as a failed rewind.
        String unavailable = what.contains("rewind") ? RetryPolicy.REWIND_SOURCE_UNAVAILABLE + ": " : "";
        if (source == null) {
            throw new PostgresControlException(what + " on " + name + ": " + unavailable + "could not connect to "
                    + (from == null ? "an unnamed source" : from.member()));
        }
        if (!source.running) {
            throw new PostgresControlException(what + " on " + name + ": " + unavailable + "could not connect to server: source "
                    + from.member() + " is not running (Connection refused)");
        }
        return source;
    }
}
