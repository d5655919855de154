package io.raftgres.raft;

import io.raftgres.core.timing.SilenceRule;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.apache.ratis.proto.RaftProtos.FollowerInfoProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Ratis' normal pre-vote election as soon as the leader has been silent for {@link SilenceRule}'s
 * threshold, instead of one to two election timeouts later (why that is safe: {@link SilenceRule}); and
 * when an election failed, as soon as this follower has known no leader for the rule's leaderless threshold,
 * instead of a whole election timeout later.
 *
 * <p><b>The one hook.</b> Ratis 3.3.0 has no public way to start a normal election from a follower; the
 * follower timer calls the package-private {@code RaftServerImpl.changeToCandidate(false)} while holding
 * the division's monitor, after re-checking the silence. This class does the same, through reflection,
 * with the same monitor held while it reads the silence and calls it, so an append whose term check and
 * silence reset Ratis makes under that monitor cannot slip in between (Ratis writes the entries to the log
 * after it released the monitor; the detector does not rely on the log). If the method is missing (another Ratis version),
 * the detector logs that once and stays off: Ratis' own timer still elects a leader, only later.
 * {@code docs/ratis-deadline-election.md} proposes the upstream change that would make this class unneeded.
 *
 * <p>Runs on its own daemon thread, never on the lease timer: it may wait for the division's monitor.
 */
final class LeaderSilenceDetector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderSilenceDetector.class);

    private final String member;
    private final RaftServer.Division division;
    private final SilenceRule rule;
    private final DoubleSupplier random;
    private final Method changeToCandidate;
    private final AtomicLong campaigns = new AtomicLong();
    private final LongSupplier nanoTime;
    /** The last campaign this detector started. */
    private volatile Firing lastFiring;
    private final Thread thread;
    private final java.util.function.BooleanSupplier preferred;
    private final HeldVoteReleaser heldVotes;
    private final LastContact lastContact;
    /** {@code RaftServerImpl.getState()} and {@code ServerState.getVotedFor()}, or null if Ratis hides them. */
    private final Method[] votedFor;
    /** The Raft term when the detector was built. */
    private final long startTerm;
    private volatile boolean running = true;
    private double unit;
    private static final long NEVER = Long.MIN_VALUE;
    /** When this member was last seen as Raft leader (monotonic ns), or {@link #NEVER}. Poll thread only. */
    private long ledAtNanos = NEVER;
    /** Ratis' leader step-down wait: no leaderless campaign this long after this member led. */
    private final long stepDownWaitNanos;
    /** The term in which the detector saw this follower know no leader, or -1; since when. Poll thread only. */
    private long leaderlessTerm = -1;
    private long leaderlessSinceNanos;
    /** The last term in which this member ran a round of its own (seen as a candidate, or its campaign), or -1. */
    private long ownRoundTerm = -1;
    /** Leaderless campaigns since a leader was last known (the first is logged at INFO). Poll thread only. */
    private int leaderlessCampaigns;

    /** A campaign: the term it started from, when (monotonic ns), and the silent leader's Raft peer id (null: none known). */
    private record Firing(long term, long atNanos, String silentLeader) { }

    /** @param preferred whether this member is likely the next primary ({@link SilenceRule#preferred}) */
    LeaderSilenceDetector(String member, RaftServer.Division division, SilenceRule rule, DoubleSupplier random,
                          LongSupplier nanoTime, java.util.function.BooleanSupplier preferred) {
        this.member = member;
        this.nanoTime = nanoTime;
        this.preferred = preferred;
        this.division = Objects.requireNonNull(division, "division");
        this.rule = rule;
        this.random = random;
        this.changeToCandidate = hook(member, division);
        this.heldVotes = new HeldVoteReleaser(member, division);
        this.lastContact = new LastContact(member, division);
        this.votedFor = votedForHook(division);
        this.startTerm = division.getInfo().getCurrentTerm();
        this.unit = random.getAsDouble();
        this.stepDownWaitNanos = RaftServerConfigKeys.LeaderElection.leaderStepDownWaitTime(
                division.getRaftServer().getProperties()).toLong(TimeUnit.NANOSECONDS);
        this.thread = Thread.ofPlatform().daemon().name("raftgres-silence-" + member).unstarted(this::run);
    }

    /** Starts polling; a no-op when the hook is missing. */
    LeaderSilenceDetector start() {
        if (changeToCandidate != null) {
            thread.start();
        }
        return this;
    }

    /** Whether the hook was found, so the detector runs. */
    boolean active() {
        return changeToCandidate != null;
    }

    /** How many elections this detector started. */
    long campaigns() {
        return campaigns.get();
    }

    private void run() {
        long pollMillis = SilenceRule.POLL.toMillis();
        while (running) {
            try {
                Thread.sleep(pollMillis);
                checkOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the division closing under us, or a role change racing the check: next poll decides again
                LOG.debug("{}: leader silence check failed", member, e);
            }
        }
    }

    private void checkOnce() {
        if (!division.getInfo().isFollower()) {
            noteNotFollower();
            return; // a leader or candidate: no need to take the division's monitor every poll
        }
        boolean prefer = preferred.getAsBoolean();
        boolean silentLeaderKnown;
        long silent;
        long thresholdMillis;
        synchronized (division) {
            if (!running || !division.getInfo().isAlive()) {
                return;
            }
            RoleInfoProto role = division.getInfo().getRoleInfoProto();
            boolean follower = division.getInfo().isFollower() && role.hasFollowerInfo();
            heldVotes.poll(false, division.getInfo().isFollower());
            FollowerInfoProto info = role.getFollowerInfo();
            boolean leaderKnown = info.hasLeaderInfo() && info.getLeaderInfo().hasId();
            long term = division.getInfo().getCurrentTerm();
            if (leaderKnown) {
                leaderlessTerm = -1;
                leaderlessCampaigns = 0;
                silent = info.getLeaderInfo().getLastRpcElapsedTimeMs();
                lastContact.mark(RaftPeerId.valueOf(info.getLeaderInfo().getId().getId()).toString(), term, nanoTime);
                thresholdMillis = rule.thresholdMillis(unit, prefer);
            } else {
                silent = leaderlessMillis(term, role.getRoleElapsedTimeMs());
                if (steppedDownRecently()) {
                    return; // as Ratis' timer: a leader that stepped down does not campaign again at once
                }
                thresholdMillis = quickRetry(term) ? rule.leaderlessThresholdMillis(unit, prefer)
                        : rule.thresholdMillis(unit, prefer);
            }
            SilenceRule.Verdict verdict = rule.judge(follower, leaderKnown, info.getOutstandingOp(), silent,
                    thresholdMillis);
            if (!verdict.campaign()) {
                return;
            }
            long now = nanoTime.getAsLong();
            lastFiring = new Firing(term, now, leaderKnown
                    ? RaftPeerId.valueOf(info.getLeaderInfo().getId().getId()).toString() : carriedSilentLeader(now));
            leaderlessTerm = -1;
            ownRoundTerm = term;
            silentLeaderKnown = leaderKnown;
            invokeChangeToCandidate();
        }
        campaigns.incrementAndGet();
        logCampaign(silentLeaderKnown, silent, thresholdMillis);
        unit = random.getAsDouble();
    }

    private void logCampaign(boolean silentLeaderKnown, long silent, long thresholdMillis) {
        if (silentLeaderKnown) {
            LOG.info("the Raft leader has been silent for {} ms (threshold {} ms): starting a pre-vote election", silent,
                    thresholdMillis);
        } else if (leaderlessCampaigns++ == 0) {
            LOG.info("no Raft leader was elected in term {} within {} ms (threshold {} ms): starting a pre-vote election"
                    + " (further ones until a leader is known are logged at DEBUG)", lastFiring.term(), silent,
                    thresholdMillis);
        } else {
            // a member cut off from the others campaigns about once a second: say it once, not every second
            LOG.debug("no Raft leader was elected in term {} within {} ms: pre-vote election {} since a leader was"
                    + " last known", lastFiring.term(), silent, leaderlessCampaigns);
        }
    }

    /** Notes, for the leaderless rule, when this member led and in which term it last ran a round of its own. */
    private void noteNotFollower() {
        boolean candidate = division.getInfo().isCandidate();
        if (division.getInfo().isLeader()) {
            ledAtNanos = nanoTime.getAsLong();
        } else if (candidate) {
            ownRoundTerm = division.getInfo().getCurrentTerm();
        }
        heldVotes.poll(candidate, false);
    }

    /**
     * Whether a follower that knows no leader in {@code term} campaigns at the short leaderless threshold: only
     * once its own round of that term failed (seen as a candidate in it, or started by this detector), and only
     * once until a leader is known again. Otherwise (it voted for another member, learned a newer term, restarted,
     * or its quick retry failed too) someone else's election may still be announcing its leader, whose first
     * append may be late: it waits as for a silent leader, {@code election_timeout_min} and more, so that a
     * freshly elected leader is not deposed by members that have not heard from it yet.
     */
    private boolean quickRetry(long term) {
        // a vote for itself counts only in a term this run reached: a restarted member may find an old one on disk
        return (term == ownRoundTerm || (term > startTerm && votedForSelf())) && leaderlessCampaigns == 0;
    }

    /**
     * Whether this member voted for itself in its current term: it ran an election round of that term (a round
     * can end before a poll saw it as a candidate: a vote request of the same term from the other candidate
     * makes it a follower at once). Read with the division's monitor held; false if Ratis hides it.
     */
    private boolean votedForSelf() {
        if (votedFor == null) {
            return false;
        }
        try {
            Object state = votedFor[0].invoke(division);
            Object voted = votedFor[1].invoke(state);
            return division.getId().equals(voted);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The silent leader a leaderless campaign continues the failover of: the previous campaign's, if that began
     * within two election timeouts.
     */
    private String carriedSilentLeader(long now) {
        Firing before = lastFiring;
        long recent = rule.timing().electionTimeoutMax().multipliedBy(2).toNanos();
        return before == null || now - before.atNanos() > recent ? null : before.silentLeader();
    }

    /**
     * How long this follower has known no leader in {@code term}: since the detector first saw it so, or since
     * Ratis last changed its role (a failed campaign, a vote in a newer term), whichever is shorter.
     */
    private long leaderlessMillis(long term, long roleElapsedMillis) {
        long now = nanoTime.getAsLong();
        if (leaderlessTerm != term) {
            leaderlessTerm = term;
            leaderlessSinceNanos = now;
        }
        return Math.min(roleElapsedMillis, TimeUnit.NANOSECONDS.toMillis(now - leaderlessSinceNanos));
    }

    private boolean steppedDownRecently() {
        long led = ledAtNanos;
        return led != NEVER && nanoTime.getAsLong() - led < stepDownWaitNanos;
    }

    /**
     * For this member as leader of {@code term}: the Raft peer id of the leader whose silence started this
     * detector's last campaign, if that campaign began in an earlier term within {@code recentNanos}. A hint
     * (the new leader does not wait for that member's record), not a proof of anything.
     */
    Optional<String> silentLeader(long term, long recentNanos) {
        Firing f = lastFiring;
        if (f == null || f.silentLeader() == null || f.term() >= term || nanoTime.getAsLong() - f.atNanos() > recentNanos) {
            return Optional.empty();
        }
        return Optional.of(f.silentLeader());
    }

    /** This member's last contact with earlier terms' leaders, marked by this detector's polls. */
    LastContact lastContact() {
        return lastContact;
    }

    private void invokeChangeToCandidate() {
        try {
            changeToCandidate.invoke(division, false);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private static Method[] votedForHook(RaftServer.Division division) {
        try {
            Method getState = division.getClass().getDeclaredMethod("getState");
            getState.setAccessible(true);
            Method getVotedFor = getState.getReturnType().getDeclaredMethod("getVotedFor");
            getVotedFor.setAccessible(true);
            return new Method[] {getState, getVotedFor};
        } catch (NoSuchMethodException | RuntimeException e) {
            return null; // the quick retry then follows only failed rounds the poll saw
        }
    }

    private static Method hook(String member, RaftServer.Division division) {
        try {
            Method m = division.getClass().getDeclaredMethod("changeToCandidate", boolean.class);
            m.setAccessible(true);
            return m;
        } catch (NoSuchMethodException | RuntimeException e) {
            LOG.warn("{}: this Ratis version has no RaftServerImpl.changeToCandidate(boolean) ({}); a dead leader is"
                    + " noticed by Ratis' follower timer alone, one to two election timeouts after its last message",
                    member, e.toString());
            return null;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
