package io.raftgres.raft;

import io.raftgres.core.timing.LeaseGrant;
import io.raftgres.core.timing.SafetyTiming;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's leader lease: the only signal that allows this member to run a writable primary.
 *
 * <p><b>Mechanism.</b> While the local Raft server is leader and leader-ready, a task every
 * {@code H} reads the monotonic clock ({@code send_time = s}) and then commits a
 * {@code LeaseHeartbeat(member, term)} through the <em>local</em> server. When that entry
 * commits (and was accepted) while the server is still leader in the same term, the lease
 * expiry becomes {@code max(expiry, s + L)}. {@link #isValid()} is true only while the server
 * is still leader in that same term and {@code now < expiry}. The lease is invalid at start,
 * and is dropped on any term change or step-down; a reply that arrives after such a change
 * extends nothing.
 *
 * <p><b>Why it cannot overlap a new leader.</b> The heartbeat committed, so a majority of
 * members appended it; each received the AppendEntries carrying it at or after {@code s},
 * because {@code s} was read before the entry existed. Every such member resets its election
 * timer then, so it neither starts an election before {@code s + ET_min} nor, with pre-vote
 * on, grants a pre-vote to anyone before {@code s + ET_min} (a voter refuses pre-votes while
 * it heard from its leader within ET_min). The leader silence detector keeps this: it campaigns
 * after ET_min of silence, and its quick retry only after a round of its own that began so late. Any new leader needs a majority, which includes at
 * least one of those members, so no other leader can exist before {@code s + ET_min}. Our
 * lease ends at {@code s + L}. The agent checks the lease every {@code lease_check_interval} and
 * then fences (VIP off, PostgreSQL stopped immediately) within {@code fence_budget}, so the
 * old primary stops accepting writes by {@code s + L + check + fence} at the latest. Clock
 * rates differ between hosts: with a rate error of at most {@link SafetyTiming#DRIFT_PERCENT}%
 * the followers' ET_min may look shorter by {@code drift = ET_min × 1%} on the leader's clock.
 * Hence the rule, {@link SafetyTiming}'s and enforced by {@link RaftNodeConfig} with the
 * configured values: {@code L + check + fence + drift < ET_min}; with the defaults
 * {@code 1000 + 100 + 500 + 20 = 1620 < 2000 ms}. Wall-clock jumps do not matter: only
 * {@code System.nanoTime()} is used.
 *
 * <p><b>Pre-conditions.</b> Pre-vote must stay on: in the real-vote phase a voter whose term
 * is lower than the candidate's skips the "still have a leader" check. A member that restarts
 * forgets when it last heard from the leader and would grant pre-votes at once, so
 * {@link RaftNode#start()} keeps a restarted member out for ET_min (its restart quarantine).
 * Forced elections skip pre-vote: Ratis disables its own lease during a leadership transfer,
 * and our agent demotes PostgreSQL before any planned transfer, so a transfer never relies on
 * this lease. A frozen process (GC, stopped VM) can outlive its lease between a check and
 * acting on it; the watchdog covers that case.
 *
 * <p><b>Residual race and the takeover delay.</b> A follower may grant a pre-vote to a
 * candidate (having heard nothing from the leader for ET_min), then receive and acknowledge
 * one more heartbeat, then grant that candidate its real vote (higher term, leader check
 * skipped). The new leader then exists while the acknowledged heartbeat's lease still runs,
 * for at most L. Ratis' own lease has the same hole. It needs a leader-follower link that was
 * silent for ET_min to deliver within the few milliseconds between the two votes, so it is
 * rare; the agent closes it anyway: a new leader promotes PostgreSQL only after
 * {@link #takeoverDelay()} (L + check + fence + drift) has passed since it became leader
 * ({@code RaftView.leaderSinceMillis}). Every lease granted before the election ends by then,
 * and the old primary has fenced itself. The same sum may count from the new leader's last
 * contact with the old one instead, when {@link LastContact} proves that every heartbeat a
 * majority acknowledged had reached it by then ({@code RaftView.takeoverFromMillis}; with a VIP,
 * never before the old VIP is gone: {@code SafetyTiming.takeoverDelayFromContact}).
 *
 * <p><b>Threading.</b> {@link #isValid()} may be called from any thread and never blocks.
 * Ticks run on the scheduler given to {@link #start}; commit replies arrive on Ratis threads
 * and only update an atomic reference.
 */
public final class RaftLease {

    /** Heartbeats allowed in flight at once: a stuck commit must not pile up entries. */
    static final int MAX_IN_FLIGHT = 4;

    private static final Logger LOG = LoggerFactory.getLogger(RaftLease.class);

    /** What the lease needs to know about the local Raft server; reads must not block. */
    public interface LeaderStatus {
        boolean isLeader();

        boolean isLeaderReady();

        long term();
    }

    /** Commits a lease heartbeat for {@code term} through the local server; true once committed and accepted. */
    @FunctionalInterface
    public interface HeartbeatCommitter {
        CompletableFuture<Boolean> commitHeartbeat(long term);
    }


    private final long heartbeatNanos;
    private final long leaseNanos;
    private final SafetyTiming timing;
    private final LeaderStatus status;
    private final HeartbeatCommitter committer;
    private final LongSupplier nanoTime;
    /** Lease of one term, in nanoseconds ({@link LeaseGrant}: the arithmetic the simulation uses too). */
    private final AtomicReference<LeaseGrant> grant = new AtomicReference<>(LeaseGrant.none(-1));
    /** The last lease granted, kept across a step-down: when it lapsed decides when a gated lapse must fence. */
    private final AtomicReference<LeaseGrant> lastGranted = new AtomicReference<>(LeaseGrant.none(-1));
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean reportedValid;
    private ScheduledFuture<?> task;
    private ScheduledExecutorService scheduler;

    /**
     * @param config    supplies the {@link SafetyTiming} (already checked against the safety rule)
     * @param status    the local server's leadership
     * @param committer commits heartbeats through the local server
     * @param nanoTime  the monotonic clock ({@code System::nanoTime} in production)
     */
    public RaftLease(RaftNodeConfig config, LeaderStatus status, HeartbeatCommitter committer,
                     LongSupplier nanoTime) {
        this.heartbeatNanos = config.heartbeatInterval().toNanos();
        this.leaseNanos = config.leaseDuration().toNanos();
        this.timing = config.timing();
        this.status = status;
        this.committer = committer;
        this.nanoTime = nanoTime;
    }

    /**
     * How long a new leader must wait after becoming leader before it may promote: every
     * lease acknowledged before its election has ended and the old primary has fenced by then.
     */
    public Duration takeoverDelay() {
        return timing.takeoverDelay();
    }

    /** Starts sending heartbeats every H on {@code scheduler}. */
    public synchronized void start(ScheduledExecutorService scheduler) {
        if (task == null) {
            this.scheduler = scheduler;
            task = scheduler.scheduleAtFixedRate(this::tickSafely, 0, heartbeatNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Runs a heartbeat round now (e.g. on becoming leader-ready) instead of waiting up to H. */
    public synchronized void kick() {
        if (task != null) {
            try {
                scheduler.execute(this::tickSafely);
            } catch (RejectedExecutionException e) {
                LOG.debug("scheduler is shut down; no extra heartbeat round");
            }
        }
    }

    /** Stops the heartbeats; the lease then lapses within L. */
    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        grant.set(LeaseGrant.none(-1));
        lastGranted.set(LeaseGrant.none(-1));
    }

    /**
     * The last lease granted to this member, valid or not (expiry in {@code System.nanoTime} nanoseconds):
     * unlike {@link #isValid()} it survives a step-down within the term, because the agent's lapse rule
     * ({@code LapseRule}) measures from its last acknowledged heartbeat whether a new leader could exist yet.
     */
    public LeaseGrant lastGrant() {
        return lastGranted.get();
    }

    /** True while the local server is leader in the lease's term and the lease has not expired. */
    public boolean isValid() {
        return grant.get().validAt(nanoTime.getAsLong(), status.term(), status.isLeader());
    }

    /** Nanoseconds left on the lease, or 0 when it is not valid. */
    public long remainingNanos() {
        LeaseGrant g = grant.get();
        return isValid() ? g.expiry() - nanoTime.getAsLong() : 0;
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.error("lease heartbeat round failed; the lease will lapse unless a later round succeeds", e);
        }
    }

    /** One heartbeat round; package-private so tests can drive it with a fake clock. */
    void tick() {
        long term = status.term();
        boolean leader = status.isLeader();
        LeaseGrant current = grant.get();
        if (!leader || current.term() != term) {
            grant.compareAndSet(current, LeaseGrant.none(leader ? term : -1));
        }
        logTransitions();
        if (!leader || !status.isLeaderReady()) {
            return;
        }
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            return;
        }
        long sentNanos = nanoTime.getAsLong();
        CompletableFuture<Boolean> commit;
        try {
            commit = committer.commitHeartbeat(term);
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            throw e;
        }
        commit.whenComplete((ok, error) -> {
            inFlight.decrementAndGet();
            if (error == null && Boolean.TRUE.equals(ok)) {
                extend(term, sentNanos);
            } else {
                LOG.debug("lease heartbeat of term {} did not commit: {}", term, error == null ? "rejected" : error);
            }
        });
    }

    private void extend(long term, long sentNanos) {
        if (!status.isLeader() || status.term() != term) {
            return;
        }
        grant.updateAndGet(g -> g.committed(term, sentNanos, leaseNanos));
        lastGranted.updateAndGet(g -> (g.term() == term ? g : LeaseGrant.none(term)).committed(term, sentNanos, leaseNanos));
    }

    private void logTransitions() {
        boolean valid = isValid();
        if (valid != reportedValid) {
            reportedValid = valid;
            if (valid) {
                LOG.info("lease held for term {}", grant.get().term());
            } else {
                LOG.info("lease lapsed (term {}, Raft leader: {})", status.term(), status.isLeader());
            }
        }
    }
}
