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
 * <p>This class is the postmaster (stopped, primary or standby, its upstream and its streaming
 * state) and the checks the real tools make; what survives it is the {@link FakeDataDirectory}.
 * A fast stop of a primary writes a shutdown checkpoint (and hands it to connected standbys), and
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

    private final String name;
    private final LongSupplier clock;
    private final PeerDirectory peers;
    private final Supplier<String> systemIds;
    private PromotionListener promotionListener = (node, at, tl) -> { };
    private Consumer<FakePostgres> shutdownFlush = pg -> { };

    private final FakeDataDirectory data = new FakeDataDirectory();
    private String upstream;
    private boolean running;
    private boolean inRecovery;
    private long lastWalMillis = Long.MIN_VALUE / 2;
    private boolean brokenStart;
    private Set<String> slots = Set.of();

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
        WalHistory.Segment current = data.currentSegment();
        Lsn reported = data.reportedLsn(running);
        return new LocalPgState(data.exists(), data.systemId(), data.exists() ? data.control() : ControlState.UNKNOWN,
                running, running && inRecovery, current == null ? 0 : current.timeline(), reported, reported,
                isStreaming(),
                upstream, current == null ? null : current.start(), Activity.NONE, null, Activity.NONE, -1,
                data.exists() ? 150_004 : 0, null);
    }

    @Override
    public void bootstrap() {
        if (data.exists()) {
            throw new PostgresControlException("initdb: directory of " + name + " exists and is not empty");
        }
        data.initdb(systemIds.get(), name);
        upstream = null;
        startPrimary();
    }

    @Override
    public void cloneFrom(Upstream from) {
        requireStopped("pg_basebackup");
        FakePostgres source = reachRunning(from, "pg_basebackup");
        data.copyOf(source.data, source.inRecovery ? ControlState.IN_ARCHIVE_RECOVERY : ControlState.IN_PRODUCTION);
        upstream = null;
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
        if (data.control() == ControlState.IN_PRODUCTION || data.control() == ControlState.IN_CRASH_RECOVERY) {
            data.writeCheckpointRecord(); // crash recovery ends with a checkpoint
        }
        running = true;
        inRecovery = false;
        upstream = null;
        data.control(ControlState.IN_PRODUCTION);
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
        data.control(ControlState.IN_ARCHIVE_RECOVERY);
        lastWalMillis = Long.MIN_VALUE / 2;
    }

    @Override
    public void stop(StopMode mode) {
        if (!running) {
            return;
        }
        if (mode == StopMode.FAST) {
            data.control(inRecovery ? ControlState.SHUT_DOWN_IN_RECOVERY : ControlState.SHUT_DOWN);
            if (!inRecovery) {
                // Shutdown checkpoint; walsenders send it to connected standbys before the postmaster exits.
                data.writeCheckpointRecord();
                shutdownFlush.accept(this);
            }
        } else {
            data.control(inRecovery ? ControlState.IN_ARCHIVE_RECOVERY : ControlState.IN_PRODUCTION);
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
        long timeline = data.startTimeline(name);
        inRecovery = false;
        upstream = null;
        data.control(ControlState.IN_PRODUCTION);
        promotionListener.promoted(name, data.writeLsn(), timeline);
    }

    @Override
    public void rewind(Upstream from) {
        requireData("pg_rewind");
        requireStopped("pg_rewind");
        FakePostgres source = reachRunning(from, "pg_rewind");
        if (!Objects.equals(data.systemId(), source.data.systemId())) {
            throw new PostgresControlException("pg_rewind: source and target clusters are from different systems");
        }
        if (data.control() == ControlState.IN_PRODUCTION || data.control() == ControlState.IN_CRASH_RECOVERY) {
            // pg_rewind first runs single-user crash recovery on a target that was not shut down cleanly.
            data.writeCheckpointRecord();
            data.control(ControlState.SHUT_DOWN);
        }
        upstream = from.member();
        data.rewindTo(source.data);
    }

    @Override
    public void removeDataDirectory() {
        requireStopped("removing the data directory");
        data.remove();
        upstream = null;
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
        data.sawTimeline(timeline);
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
        data.standbyNames(names);
    }

    /** postgresql.auto.conf's synchronous_standby_names, or null when raftgres never set one here. */
    public StandbyNames standbyNames() {
        return data.standbyNames();
    }

    /** Makes every start fail (a broken data directory or config) until cleared. */
    public void setBrokenStart(boolean broken) {
        this.brokenStart = broken;
    }

    /** A client commit of {@code bytes} of WAL; ignored unless this server accepts writes. */
    public void clientWrite(long bytes) {
        if (isWritable()) {
            data.append(bytes);
        }
    }

    /** Takes WAL from {@code from} if this is a standby configured to stream from it and its history allows. */
    public void receiveWal(String from, WalPosition position) {
        if (running && inRecovery && from.equals(upstream) && data.receive(position)) {
            lastWalMillis = clock.getAsLong();
        }
    }

    /** What this server would ship to a standby right now, or null when it is not running. */
    public WalPosition walPosition() {
        return running ? data.position() : null;
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
        return data.timeline();
    }

    public Lsn writeLsn() {
        return data.writeLsn();
    }

    public List<WalHistory.Segment> history() {
        return data.history();
    }

    public Set<String> slots() {
        return slots;
    }

    /** Increments whenever the data directory is replaced (clone, removal, initdb). */
    public long generation() {
        return data.generation();
    }

    @Override
    public String toString() {
        String process = !running ? "stopped" : inRecovery ? "standby of " + upstream
                + (isStreaming() ? " (streaming)" : " (not streaming)") : "PRIMARY";
        return name + ": " + (data.exists() ? process + ", timeline " + timeline() + " at " + data.writeLsn() + ", "
                + data.control().text() + ", history " + data.history() : "no data directory");
    }

    private void requireData(String what) {
        if (!data.exists()) {
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
