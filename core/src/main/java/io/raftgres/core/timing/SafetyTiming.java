package io.raftgres.core.timing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The timings the "never two writable primaries" argument rests on (ARCHITECTURE §3), and the
 * one place their sums are computed. Built once from the configuration and passed to everything
 * that uses them: {@code --validate-config}, the raft module's lease and node configuration, the
 * lease guard and fence, and the simulation.
 *
 * <p>The rule: with pre-vote on, no new leader exists before {@code send_time + election_timeout_min}
 * of the last heartbeat a majority acknowledged; the old leader's lease ends at
 * {@code send_time + lease}, is noticed within {@code lease_check_interval} and acted on within
 * {@code fence_budget}; host clocks may run {@link #DRIFT_PERCENT}% apart. Hence
 * {@link #fenceDeadline()} {@code = lease + lease_check_interval + fence_budget + drift} must stay
 * below {@code election_timeout_min}, and a new leader waits {@link #takeoverDelay()} (the same sum)
 * after its election before it takes over another member's primary, or as long (and never less than the old VIP's
 * removal, {@link #takeoverDelayFromContact}) after its proven last contact with the old leader.
 *
 * @param electionTimeoutMin ET_min: Ratis' minimum election timeout
 * @param electionTimeoutMax ET_max: Ratis' maximum election timeout
 * @param heartbeatInterval  H: how often the leader commits a lease heartbeat
 * @param lease              L: how long past a committed heartbeat's send time the lease lasts
 * @param leaseCheckInterval how often the lease guard checks the lease
 * @param fenceBudget        how long the guard's fence (VIP off, PostgreSQL stopped) may take
 */
public record SafetyTiming(Duration electionTimeoutMin, Duration electionTimeoutMax, Duration heartbeatInterval,
                           Duration lease, Duration leaseCheckInterval, Duration fenceBudget) {

    /** Assumed bound on the clock-rate difference between two hosts, in percent of ET_min. */
    public static final int DRIFT_PERCENT = 1;

    /** The project defaults: ET 2000..2500, H 250, L 1000, check 100, fence 500 (ms). */
    public static final SafetyTiming DEFAULT = ofMillis(2000, 2500, 250, 1000, 100, 500);

    /** A problem with one timing, named by its configuration key under {@code raft}. */
    public record Problem(String key, String reason) { }

    public SafetyTiming {
        Objects.requireNonNull(electionTimeoutMin, "electionTimeoutMin");
        Objects.requireNonNull(electionTimeoutMax, "electionTimeoutMax");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(leaseCheckInterval, "leaseCheckInterval");
        Objects.requireNonNull(fenceBudget, "fenceBudget");
    }

    public static SafetyTiming ofMillis(long etMin, long etMax, long heartbeat, long lease, long check, long fence) {
        return new SafetyTiming(Duration.ofMillis(etMin), Duration.ofMillis(etMax), Duration.ofMillis(heartbeat),
                Duration.ofMillis(lease), Duration.ofMillis(check), Duration.ofMillis(fence));
    }

    /** Clock-rate allowance: {@link #DRIFT_PERCENT}% of ET_min. */
    public Duration drift() {
        return electionTimeoutMin.multipliedBy(DRIFT_PERCENT).dividedBy(100);
    }

    /**
     * How long after the send time of its last acknowledged heartbeat an old primary may still
     * be writable: lease + lease_check_interval + fence_budget + drift.
     */
    public Duration fenceDeadline() {
        return lease.plus(leaseCheckInterval).plus(fenceBudget).plus(drift());
    }

    /**
     * How long a new Raft leader waits after its election before it takes over another member's
     * primary: every lease granted before the election has ended and its holder fenced by then.
     */
    public Duration takeoverDelay() {
        return fenceDeadline();
    }

    /**
     * How long one call between Raft servers (a vote request, an append) waits for its reply:
     * {@code election_timeout_max + heartbeat_interval} (2750 ms with the defaults; Ratis' own default is 3 s
     * whatever the election timeouts). Longer than any election round, on purpose: when a call times out Ratis
     * closes the connection and fails the other calls in flight to that peer, and the next call must connect
     * anew, which for a host that is gone or cut off waits for Netty's connect (Ratis 3.3.0 does not bound it)
     * and holds every later round to its own timeout. Measured in the container suite's partition scenarios with
     * a 1000 ms bound: a candidate's round to the cut-off primary outlasted it, the other survivor's call to that
     * candidate timed out too, and the election took 2.6 s instead of one round. A round therefore ends at its
     * own timeout, never by a reset connection. Safety does not depend on it.
     */
    public Duration peerRequestTimeout() {
        return electionTimeoutMax.plus(heartbeatInterval);
    }

    /**
     * With the lease gate in effect, how long after the send time of its last acknowledged heartbeat
     * a member whose lease lapsed may keep PostgreSQL running behind the closed gate: the guard must
     * start the fence by then, so that (within one check interval and the fence budget, allowing for
     * drift) PostgreSQL and the VIP are gone by {@code send_time + election_timeout_min}, before any
     * new leader can exist: {@code election_timeout_min - drift - lease_check_interval - fence_budget}.
     * With the defaults 2000 - 20 - 100 - 500 = 1380 ms, that is 380 ms past the lease's end
     * ({@link #gateGrace()}). {@link #problems()} guarantees it is longer than the lease.
     */
    public Duration gatedStopAfterHeartbeat() {
        return electionTimeoutMin.minus(drift()).minus(leaseCheckInterval).minus(fenceBudget);
    }

    /**
     * The takeover wait of a new leader when primaries may hold a lapse behind the lease gate: a follower
     * may grant a pre-vote, acknowledge one more heartbeat (sent at {@code s}, before the election at
     * {@code e}) and then vote, and the old primary then keeps PostgreSQL and the VIP until
     * {@code s + election_timeout_min - drift} on its clock. {@code e > s}, so waiting
     * {@code election_timeout_min} (one drift allowance for each clock) from the election covers it; and
     * never less than {@link #takeoverDelay()}. With the defaults 2000 ms instead of 1620 ms.
     */
    public Duration takeoverDelayWithGate() {
        return electionTimeoutMin.compareTo(takeoverDelay()) > 0 ? electionTimeoutMin : takeoverDelay();
    }

    /**
     * The window W within which the VIP's kernel lifetime may be set: a command that adds the VIP or renews its
     * lifetime starts only while the send time of the heartbeat behind the lease is at most W old, that is while
     * at least {@link #vipSetLeaseLeft()} of the lease is left. {@code 2 * heartbeat_interval}, at most the lease:
     * 500 ms with the defaults, so in steady state every renewal qualifies (a heartbeat commits every 250 ms) and
     * one late heartbeat only postpones a renewal.
     */
    public Duration vipSetWindow() {
        Duration window = heartbeatInterval.multipliedBy(2);
        return window.compareTo(lease) < 0 ? window : lease;
    }

    /** How much of the lease must be left when a command that sets the VIP's lifetime starts: lease - {@link #vipSetWindow()}. */
    public Duration vipSetLeaseLeft() {
        return lease.minus(vipSetWindow());
    }

    /**
     * How long after the send time {@code s} of its last acknowledged heartbeat a deposed primary's VIP may still be on
     * its host.
     *
     * <p>With a kernel lifetime: every command that sets it (an add, a renewal) starts within {@link #vipSetWindow()}
     * of the heartbeat behind the lease, so after {@code s + W} none starts, and one that started may set it up to
     * {@code vipLifetimeSet} later (its commands' bound and the kill's grace). Linux then deletes the address
     * {@code vipLifetime} plus up to 1 s (it rounds up) after that, whatever the agent does: on a host frozen whole,
     * cut off or alive (its fence may remove it sooner, never later). The drift allowance is {@value #DRIFT_PERCENT}% of
     * that span. It assumes an {@code ip} killed at its bound is gone within the kill's grace, and that the agent's
     * process is not frozen alone between its window check and its command (both as the lease's own rule assumes).
     *
     * <p>Without one (zero lifetime) only the agent removes it: the guard starts the fence by the lapse rule's
     * deadline ({@link #gatedStopAfterHeartbeat()} with the lease gate, the lease's end without it) plus one check,
     * and the removal then takes up to {@code vipRemoval}; a frozen primary's host keeps it (the watchdog's case).
     */
    public Duration vipGoneAfterHeartbeat(boolean gated, Duration vipRemoval, Duration vipLifetimeSet,
                                          Duration vipLifetime) {
        if (vipLifetime.isZero()) {
            return (gated ? gatedStopAfterHeartbeat() : lease).plus(leaseCheckInterval).plus(vipRemoval).plus(drift());
        }
        Duration kernel = vipSetWindow().plus(vipLifetimeSet).plus(vipLifetime).plusSeconds(1);
        return kernel.plus(kernel.multipliedBy(DRIFT_PERCENT).dividedBy(100));
    }

    /**
     * The takeover delay of a new leader counted from its election, with a VIP whose kernel lifetime bounds it: never
     * shorter than {@code vipGone} ({@link #vipGoneAfterHeartbeat}). The election comes after the old leader's last
     * acknowledged heartbeat {@code s}, but may come right after it (a follower that granted a pre-vote acknowledges
     * one more heartbeat, then votes; see {@link #takeoverDelayWithGate()}), so the whole bound counts from the
     * election. With the defaults 3.54 s instead of 2 s; a new leader that proved its last contact with the old one
     * waits that long from the contact instead ({@link #takeoverDelayFromContact}), which is sooner.
     */
    public static Duration takeoverDelayFromElection(Duration fromElection, Duration vipGone) {
        return vipGone.compareTo(fromElection) > 0 ? vipGone : fromElection;
    }

    /**
     * The takeover delay of a new leader counted from its proven last contact with the old leader
     * ({@code RaftView.takeoverFromMillis}) instead of from its election. Every bound {@code fromElection} covers (the
     * lease, the fence, a gated lapse, a frozen primary's watchdog) runs from the last acknowledged heartbeat's send
     * time {@code s}, and that heartbeat reached the new leader by the contact just as it was sent before the election;
     * so the same delay serves. Except the VIP: {@code vipGone} ({@link #vipGoneAfterHeartbeat}, zero without one)
     * may exceed it, which the delay from the election hid because an election comes {@code election_timeout_min}
     * after {@code s}. Hence the larger of the two.
     */
    public static Duration takeoverDelayFromContact(Duration fromElection, Duration vipGone) {
        return vipGone.compareTo(fromElection) > 0 ? vipGone : fromElection;
    }

    /** How long past the lease's end a gated lapse may last before the fence: {@link #gatedStopAfterHeartbeat()} − lease. */
    public Duration gateGrace() {
        return gatedStopAfterHeartbeat().minus(lease);
    }

    /**
     * The largest whole-second watchdog timeout {@code T} with {@code lease + T + margin <= ET_min}:
     * a frozen primary's host is reset before any new leader can exist (the watchdog module's
     * {@code WatchdogSettings} explains the derivation). Linux timeouts are whole seconds, 1..65534.
     *
     * @throws IllegalArgumentException when not even 1 s fits, with the numbers and the fix
     */
    public static int watchdogTimeoutSeconds(Duration lease, Duration electionTimeoutMin, Duration margin) {
        if (lease.isNegative() || lease.isZero() || electionTimeoutMin.isNegative() || margin.isNegative()) {
            throw new IllegalArgumentException("lease (" + lease.toMillis() + " ms) must be positive, election"
                    + " timeout (" + electionTimeoutMin.toMillis() + " ms) and safety margin ("
                    + margin.toMillis() + " ms) not negative");
        }
        long budgetMillis = electionTimeoutMin.toMillis() - lease.toMillis() - margin.toMillis();
        long seconds = Math.min(65534, Math.floorDiv(budgetMillis, 1000));
        if (seconds < 1) {
            throw new IllegalArgumentException("no watchdog timeout is safe: lease " + lease.toMillis()
                    + " ms + shortest watchdog timeout 1000 ms + safety margin " + margin.toMillis() + " ms = "
                    + (lease.toMillis() + 1000 + margin.toMillis()) + " ms exceeds the minimum election timeout "
                    + electionTimeoutMin.toMillis() + " ms, so a frozen primary could still be up when a new"
                    + " leader appears; raise election_timeout_min to at least "
                    + (lease.toMillis() + 1000 + margin.toMillis()) + " ms, or shorten the lease or the margin");
        }
        return (int) seconds;
    }

    /**
     * With a watchdog of {@code timeoutSeconds} in use, how long a new leader waits before taking
     * over: a frozen old primary is stopped only by its watchdog, at most lease + timeout after the
     * last heartbeat a majority acknowledged (plus 100 ms for the reset itself), and a new leader
     * can be elected right after that heartbeat. The larger of this and {@link #takeoverDelay()}.
     */
    public Duration takeoverDelayWithWatchdog(int timeoutSeconds) {
        Duration reset = lease.plusSeconds(timeoutSeconds).plusMillis(100);
        return reset.compareTo(takeoverDelay()) > 0 ? reset : takeoverDelay();
    }

    /** {@link #watchdogTimeoutSeconds(Duration, Duration, Duration)} for this timing. */
    public int watchdogTimeoutSeconds(Duration margin) {
        return watchdogTimeoutSeconds(lease, electionTimeoutMin, margin);
    }

    /** Every rule this timing breaks, each naming its key and why; empty when it is safe. */
    public List<Problem> problems() {
        List<Problem> problems = new ArrayList<>();
        positive(problems, "election_timeout_min", electionTimeoutMin);
        positive(problems, "election_timeout_max", electionTimeoutMax);
        positive(problems, "heartbeat_interval", heartbeatInterval);
        positive(problems, "lease", lease);
        positive(problems, "lease_check_interval", leaseCheckInterval);
        positive(problems, "fence_budget", fenceBudget);
        if (!problems.isEmpty()) {
            return problems;
        }
        if (fenceDeadline().compareTo(electionTimeoutMin) >= 0) {
            problems.add(new Problem("lease", "lease (" + ms(lease) + ") + lease_check_interval ("
                    + ms(leaseCheckInterval) + ") + fence_budget (" + ms(fenceBudget) + ") + clock drift allowance ("
                    + DRIFT_PERCENT + "% of election_timeout_min = " + ms(drift()) + ") = " + ms(fenceDeadline())
                    + " must be less than election_timeout_min (" + ms(electionTimeoutMin) + "): otherwise a new"
                    + " leader may be elected while the old primary still believes it holds the lease"));
        }
        if (electionTimeoutMin.compareTo(electionTimeoutMax) >= 0) {
            problems.add(new Problem("election_timeout_max", "must be greater than election_timeout_min ("
                    + ms(electionTimeoutMin) + "), found " + ms(electionTimeoutMax) + ": Ratis picks each election"
                    + " timeout at random between the two, which keeps candidates from splitting the vote"));
        }
        Duration third = lease.dividedBy(3);
        if (heartbeatInterval.compareTo(third) > 0) {
            problems.add(new Problem("heartbeat_interval", "must be at most a third of lease (" + ms(third)
                    + "), found " + ms(heartbeatInterval) + ": a healthy leader must be able to lose two heartbeats"
                    + " in a row and still renew its lease before it lapses"));
        }
        return problems;
    }

    /** This timing, or an {@link IllegalArgumentException} naming every problem. */
    public SafetyTiming requireSafe() {
        List<Problem> problems = problems();
        if (!problems.isEmpty()) {
            StringBuilder text = new StringBuilder("unsafe Raft timing:");
            problems.forEach(p -> text.append(" raft.").append(p.key()).append(": ").append(p.reason()).append(';'));
            throw new IllegalArgumentException(text.substring(0, text.length() - 1));
        }
        return this;
    }

    private static void positive(List<Problem> problems, String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            problems.add(new Problem(key, "must be a positive duration, found " + ms(value)));
        }
    }

    public static String ms(Duration d) {
        return d.toMillis() + "ms";
    }
}
