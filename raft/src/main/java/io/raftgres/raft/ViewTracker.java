package io.raftgres.raft;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.MemberRecord;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;

/**
 * Builds {@link RaftView}s from the local Ratis division and what the node observed: when
 * this member became leader of its current term and when an entry of the current term last
 * committed. Also the lease's window onto the division.
 *
 * <p>Thread-safe and non-blocking: Ratis callbacks, the lease timer and the agent call it.
 */
final class ViewTracker implements RaftLease.LeaderStatus {

    /** {@link RaftView#quorumReachable()} is true when a current-term entry committed this recently. */
    static final Duration QUORUM_WINDOW = Duration.ofMillis(2000);

    private static final RaftView DETACHED = new RaftView(0, RaftRole.UNKNOWN, null, false, false, -1, false);

    /**
     * When this member became leader of which term, in milliseconds of the monotonic clock, and the Raft peer
     * id of the previous leader whose silence started its campaign ({@link RaftView#silentLeader()}), or null.
     */
    private record LeaderSince(long term, long millis, String silentLeader, long takeoverFromMillis, boolean proven) {
    }

    /** This member's proven last contact with earlier terms' leaders ({@link LastContact}). */
    interface ContactProof {
        /** As {@link LastContact#before}: monotonic ns, or empty. */
        OptionalLong before(long term, String keyHolder);

        /** As {@link LastContact#silentLeader}, for {@code election_timeout_min} of silence within 2 x ET_max. */
        Optional<String> silentLeader(long nowNanos);
    }

    /** For a term this member leads: the peer id of the leader whose silence started its campaign, if any. */
    interface SilentLeader {
        java.util.Optional<String> of(long term);
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ViewTracker.class);

    private final String member;
    private final LongSupplier nanoTime;
    private final Supplier<ClusterState> state;
    private final AtomicReference<LeaderSince> leaderSince = new AtomicReference<>(new LeaderSince(-1, -1, null, -1, false));
    private volatile SilentLeader silentLeader = term -> java.util.Optional.empty();
    private volatile ContactProof lastContact = new ContactProof() {
        @Override
        public OptionalLong before(long term, String keyHolder) {
            return OptionalLong.empty();
        }

        @Override
        public Optional<String> silentLeader(long nowNanos) {
            return Optional.empty();
        }
    };
    private volatile RaftServer.Division division;
    private volatile long lastCommitNanos;
    private volatile boolean committedOnce;

    ViewTracker(String member, LongSupplier nanoTime, Supplier<ClusterState> state) {
        this.member = member;
        this.nanoTime = nanoTime;
        this.state = state;
    }

    void attach(RaftServer.Division d) {
        division = d;
    }

    /** Where leadership looks up the leader whose silence started its campaign (the leader silence detector). */
    void silentLeader(SilentLeader source) {
        silentLeader = source;
    }

    /**
     * Where leadership looks up its proven last contact with earlier terms' leaders ({@link LastContact}), from which
     * the takeover delay may count, and, when no campaign of the detector made it leader, the silent leader.
     */
    void lastContact(ContactProof source) {
        lastContact = source;
    }

    /** After close: views say UNKNOWN and the lease sees no leadership. */
    void detach() {
        division = null;
    }

    @Override
    public boolean isLeader() {
        RaftServer.Division d = division;
        return d != null && d.getInfo().isLeader();
    }

    @Override
    public boolean isLeaderReady() {
        RaftServer.Division d = division;
        return d != null && d.getInfo().isLeaderReady();
    }

    @Override
    public long term() {
        RaftServer.Division d = division;
        return d == null ? -1 : d.getInfo().getCurrentTerm();
    }

    /** The leader of the current term as this server knows it (it hears from it), or null. */
    RaftPeerId followedLeader() {
        RaftServer.Division d = division;
        return d == null ? null : d.getInfo().getLeaderId();
    }

    /** Records the start of this member's leadership of the current term (first sighting wins). */
    void observeLeadership() {
        RaftServer.Division d = division;
        if (d == null || !d.getInfo().isLeader()) {
            return;
        }
        long term = d.getInfo().getCurrentTerm();
        long nowMillis = TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong());
        if (leaderSince.get().term() == term) {
            return;
        }
        String silent = silentLeader.of(term).or(() -> lastContact.silentLeader(nanoTime.getAsLong())).orElse(null);
        leaderSince.updateAndGet(prev -> prev.term() == term ? prev
                : new LeaderSince(term, nowMillis, silent, nowMillis, false));
    }

    /**
     * Once this member is a ready leader (every entry before its term applied, so the leader key's holder is current),
     * counts the takeover delay from its proven last contact, if there is one; once per term.
     */
    private LeaderSince proveContact(LeaderSince since) {
        if (since.proven()) {
            return since;
        }
        var key = state.get().leader();
        // rounded up: the takeover delay then never counts from before the proven contact
        long from = key == null ? since.millis() : Math.min(since.millis(), lastContact.before(since.term(),
                key.member()).stream().map(nanos -> Math.ceilDiv(nanos, 1_000_000L)).findFirst().orElse(since.millis()));
        LeaderSince proven = new LeaderSince(since.term(), since.millis(), since.silentLeader(), from, true);
        LeaderSince now = leaderSince.updateAndGet(prev -> prev.term() == since.term() && !prev.proven() ? proven : prev);
        if (now == proven && from < since.millis()) {
            LOG.info("{}: the takeover delay of term {} counts from my last proven contact with {}'s leadership, {} ms"
                    + " before I became leader", member, since.term(), key.member(), since.millis() - from);
        }
        return now;
    }

    /** An entry of {@code entryTerm} was applied; it counts for quorum only if that is the current term. */
    void applied(long entryTerm) {
        if (entryTerm == term()) {
            committed();
        }
    }

    /** A write of ours committed. */
    void committed() {
        lastCommitNanos = nanoTime.getAsLong();
        committedOnce = true;
    }

    RaftView view(boolean leaseValid) {
        RaftServer.Division d = division;
        if (d == null) {
            return DETACHED;
        }
        observeLeadership();
        DivisionInfo info = d.getInfo();
        long term = info.getCurrentTerm();
        RaftRole role = switch (info.getCurrentRole()) {
            case LEADER -> RaftRole.LEADER;
            case FOLLOWER -> RaftRole.FOLLOWER;
            case CANDIDATE -> RaftRole.CANDIDATE;
            default -> RaftRole.UNKNOWN;
        };
        RaftPeerId leader = info.getLeaderId();
        LeaderSince since = leaderSince.get();
        if (role == RaftRole.LEADER && info.isLeaderReady() && since.term() == term) {
            since = proveContact(since);
        }
        boolean quorum = committedOnce && nanoTime.getAsLong() - lastCommitNanos < QUORUM_WINDOW.toNanos();
        boolean leading = role == RaftRole.LEADER;
        return new RaftView(term, role, leader == null ? null : memberNameOf(leader.toString()),
                leading && info.isLeaderReady(), leading && leaseValid,
                leading && since.term() == term ? since.millis() : -1, quorum,
                leading && since.term() == term && since.silentLeader() != null
                        ? memberNameOf(since.silentLeader()) : null,
                leading && since.term() == term ? since.takeoverFromMillis() : -1);
    }

    /** A peer id is a Raft address; members publish theirs, so show the member's name when known. */
    private String memberNameOf(String raftAddress) {
        return state.get().members().values().stream()
                .filter(m -> raftAddress.equals(m.raftAddress()))
                .map(MemberRecord::name)
                .findFirst()
                .orElse(raftAddress);
    }
}
