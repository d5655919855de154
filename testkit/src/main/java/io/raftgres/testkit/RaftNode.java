package io.raftgres.testkit;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.timing.SilenceRule;
import io.raftgres.testkit.RaftMessage.AppendEntries;
import io.raftgres.testkit.RaftMessage.AppendReply;
import io.raftgres.testkit.RaftMessage.ClientReply;
import io.raftgres.testkit.RaftMessage.ClientRequest;
import io.raftgres.testkit.RaftMessage.StartElection;
import io.raftgres.testkit.RaftMessage.VoteReply;
import io.raftgres.testkit.RaftMessage.VoteRequest;

import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * One member of the simulated Raft group: follower and candidate behaviour, voting with
 * pre-vote, and the log. The leader's part lives in {@link LeaderState}.
 *
 * <pre>
 * from       event                                         to
 * FOLLOWER   election timeout (not within step-down wait)  CANDIDATE, pre-vote round (or real round without pre-vote)
 * CANDIDATE  majority of pre-votes                         CANDIDATE, real round: term+1, vote for self
 * CANDIDATE  majority of votes                             LEADER: appends a no-op and a lease heartbeat
 * CANDIDATE  round times out                               CANDIDATE, new pre-vote round
 * any        higher term seen, or AppendEntries of term    FOLLOWER
 * LEADER     no majority answered for ET_max               FOLLOWER, no elections for step-down wait
 * FOLLOWER   StartElection from its leader (transfer)      CANDIDATE, real round without pre-vote
 * </pre>
 * A voter refuses a pre-vote while it heard from a leader within ET_min, and refuses real votes
 * it already gave in the term; that is what keeps a new leader from appearing while an old
 * lease may still run (ratis.md §4.4). Term, vote, log and commit index survive a restart.
 *
 * <p>Threading: single-threaded; every method runs inside a scheduler event.
 */
final class RaftNode {

    final String id;
    final SimulatedRaft group;
    final RaftLog log;
    final double clockRate;
    long term;
    String votedFor;
    int commitIndex;

    boolean alive = true;
    long epoch;
    RaftRole role = RaftRole.FOLLOWER;
    String leaderId;
    long lastHeardFromLeaderMillis = Long.MIN_VALUE / 2;
    /** The agent's last-contact marks (the raft module's {@code LastContact}). */
    private final ContactMarks marks = new ContactMarks();
    /** As leader: when its takeover delay counts from ({@code RaftView.takeoverFromMillis}), once proven. */
    private long takeoverFromMillis = -1;
    private boolean contactProven;
    /** The agent's detector's last campaign (silenceDetector only): the term it began in, when, whose silence. */
    long campaignTerm = -1;
    long campaignMillis;
    String campaignSilentLeader;
    long noElectionUntilMillis;
    /** The detector's leaderless rule: the last term of a round of this node's own, and whether its quick retry was used. */
    private long ownRoundTerm = -1;
    private boolean quickRetryUsed;
    long lastWriteMillis = Long.MIN_VALUE / 2;
    LeaderState leader;

    private long electionDeadlineMillis;
    private boolean timerScheduled;
    private boolean preVotePhase;
    private final TreeSet<String> grants = new TreeSet<>();

    RaftNode(String id, SimulatedRaft group, ClusterState initial, double clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate of " + id + " must be positive, got " + clockRate);
        }
        this.id = id;
        this.group = group;
        this.log = new RaftLog(initial);
        this.clockRate = clockRate;
    }

    /** Simulated (true) milliseconds that pass while this node's clock counts {@code localMillis}. */
    long trueMillis(long localMillis) {
        return Math.round(localMillis / clockRate);
    }

    long now() {
        return group.scheduler.nowMillis();
    }

    ClusterState committedState() {
        return log.stateAt(commitIndex);
    }

    RaftView view() {
        boolean isLeader = alive && role == RaftRole.LEADER;
        boolean ready = isLeader && leader.isReady();
        boolean lease = isLeader && leader.isLeaseValid();
        return new RaftView(term, alive ? role : RaftRole.UNKNOWN, alive ? leaderId : null, ready, lease,
                isLeader ? leader.sinceMillis : -1,
                alive && now() - lastWriteMillis < trueMillis(2 * group.timing.electionTimeoutMax()),
                isLeader ? leader.silentLeader : null, isLeader ? provenTakeoverFrom(ready) : -1);
    }

    void start() {
        resetElectionTimer();
    }

    void kill() {
        alive = false;
        epoch++;
        timerScheduled = false;
        if (leader != null) {
            leader.abandon(false);
        }
        leader = null;
        role = RaftRole.FOLLOWER;
        leaderId = null;
        group.observer.raftChanged(id);
    }

    void restart() {
        alive = true;
        epoch++;
        timerScheduled = false;
        role = RaftRole.FOLLOWER;
        leaderId = null;
        lastHeardFromLeaderMillis = Long.MIN_VALUE / 2;
        marks.clear();
        campaignTerm = -1;
        noElectionUntilMillis = 0;
        resetElectionTimer();
        group.observer.raftChanged(id);
    }

    void receive(RaftMessage message) {
        if (!alive) {
            return;
        }
        switch (message) {
            case AppendEntries m -> onAppendEntries(m);
            case AppendReply m -> {
                if (m.term() > term) {
                    becomeFollower(m.term(), null);
                } else if (leader != null && m.term() == term) {
                    leader.onReply(m);
                }
            }
            case VoteRequest m -> onVoteRequest(m);
            case VoteReply m -> onVoteReply(m);
            case StartElection m -> {
                if (m.term() == term && m.leader().equals(leaderId) && role == RaftRole.FOLLOWER) {
                    startRound(false);
                }
            }
            case ClientRequest m -> {
                if (leader != null) {
                    leader.append(m.command(), m.from(), m.requestId());
                } else {
                    send(m.from(), new ClientReply(term, m.requestId(), SubmitResult.refused(id + " is not the leader")));
                }
            }
            case ClientReply m -> group.complete(id, m.requestId(), m.result());
        }
    }

    void send(String to, RaftMessage message) {
        group.network.send(id, to, message, group.node(to)::receive);
    }

    private void onAppendEntries(AppendEntries m) {
        if (m.term() < term) {
            send(m.leader(), new AppendReply(term, id, false, 0, m.sendMillis()));
            return;
        }
        if (m.term() > term || role != RaftRole.FOLLOWER || !m.leader().equals(leaderId)) {
            becomeFollower(m.term(), m.leader());
        }
        lastHeardFromLeaderMillis = now();
        quickRetryUsed = false;
        resetElectionTimer();
        long committedTerm = log.termAt(commitIndex);
        int match = log.mergeFrom(m.log());
        if (log.length() < commitIndex || log.termAt(commitIndex) != committedTerm) {
            throw new IllegalStateException(id + ": AppendEntries from " + m.leader() + " overwrote committed entry "
                    + commitIndex + " (Raft model bug)");
        }
        advanceCommit(Math.min(m.leaderCommit(), match));
        marks.mark(m.leader(), term, now(), log);
        send(m.leader(), new AppendReply(term, id, true, match, m.sendMillis()));
    }

    void advanceCommit(int newCommit) {
        if (newCommit > commitIndex) {
            commitIndex = newCommit;
            group.observer.raftChanged(id);
        }
    }

    private void onVoteRequest(VoteRequest m) {
        boolean upToDate = log.isAtMostAsNewAs(m.lastLogTerm(), m.lastLogIndex());
        if (m.preVote()) {
            boolean heardLeaderRecently = now() - lastHeardFromLeaderMillis < trueMillis(group.timing.electionTimeoutMin());
            boolean grant = m.term() > term && role != RaftRole.LEADER && !heardLeaderRecently && upToDate;
            send(m.candidate(), new VoteReply(term, id, grant, true, m.term()));
            return;
        }
        if (m.term() > term) {
            // Real round: no "still have a leader" check (that is why pre-vote must stay on).
            becomeFollower(m.term(), null);
        }
        boolean grant = m.term() == term && (votedFor == null || votedFor.equals(m.candidate())) && upToDate;
        if (grant) {
            votedFor = m.candidate();
            resetElectionTimer();
        }
        send(m.candidate(), new VoteReply(term, id, grant, false, m.term()));
    }

    private void onVoteReply(VoteReply m) {
        if (m.term() > term) {
            becomeFollower(m.term(), null);
            return;
        }
        if (role != RaftRole.CANDIDATE || m.preVote() != preVotePhase
                || m.requestTerm() != (preVotePhase ? term + 1 : term) || !m.granted()) {
            return;
        }
        grants.add(m.from());
        if (grants.size() > group.members.size() / 2) {
            if (preVotePhase) {
                startRound(false);
            } else {
                becomeLeader();
            }
        }
    }

    /** Starts a pre-vote round ({@code preVote}) or a real one (term + 1, vote for self). */
    void startRound(boolean preVote) {
        role = RaftRole.CANDIDATE;
        leaderId = null;
        if (leader != null) {
            leader.abandon(false);
            leader = null;
        }
        preVotePhase = preVote;
        grants.clear();
        grants.add(id);
        if (!preVote) {
            term++;
            votedFor = id;
        }
        ownRoundTerm = term;
        resetElectionTimer();
        group.observer.raftChanged(id);
        long askTerm = preVote ? term + 1 : term;
        group.scheduler.note(new Note(id, (preVote ? "pre-vote" : "election") + " for term " + askTerm));
        for (String peer : group.others(id)) {
            send(peer, new VoteRequest(askTerm, id, log.lastTerm(), log.length(), preVote));
        }
    }

    private void becomeLeader() {
        role = RaftRole.LEADER;
        leaderId = id;
        takeoverFromMillis = now();
        contactProven = false;
        leader = new LeaderState(this, silentLeader());
        group.scheduler.note(new Note(id, "became leader of term " + term));
        leader.begin();
        group.observer.raftChanged(id);
    }

    /**
     * The agent's rule ({@code ViewTracker}, {@code LastContact.before}): once this leader is ready (the key's holder
     * then current), the earliest mark whose log prefix is unchanged and after which no lease heartbeat of the key's
     * holder of an earlier term follows; else the election.
     */
    private long provenTakeoverFrom(boolean ready) {
        if (!ready || contactProven) {
            return takeoverFromMillis;
        }
        contactProven = true;
        var key = committedState().leader();
        if (key == null) {
            return takeoverFromMillis;
        }
        OptionalLong proven = marks.provenBefore(term, key.member(), log);
        if (proven.isPresent()) {
            takeoverFromMillis = Math.min(takeoverFromMillis, proven.getAsLong());
        }
        return takeoverFromMillis;
    }

    void becomeFollower(long newTerm, String newLeader) {
        boolean newerTerm = newTerm > term;
        if (newerTerm) {
            term = newTerm;
            votedFor = null;
        }
        boolean wasLeader = leader != null;
        if (wasLeader) {
            leader.abandon(newerTerm);
            leader = null;
        }
        // Ratis restarts a follower's timer when its role is set again: after leading or campaigning, and (the
        // detector's leaderless threshold counts from it) on a newer term
        boolean resetTimer = wasLeader || role == RaftRole.CANDIDATE || (newerTerm && group.timing.silenceDetector());
        role = RaftRole.FOLLOWER;
        leaderId = newLeader;
        if (resetTimer) {
            resetElectionTimer();
        }
        group.observer.raftChanged(id);
    }

    void stepDownLostMajority() {
        group.scheduler.note(new Note(id, "leader of term " + term + " lost its majority; stepping down"));
        becomeFollower(term, null);
        noElectionUntilMillis = now() + trueMillis(group.timing.stepDownWaitMillis());
    }

    void resetElectionTimer() {
        RaftTiming t = group.timing;
        boolean following = role == RaftRole.FOLLOWER && leaderId != null;
        // the agent's detector retries quickly only after a round of its own failed in this term, once
        boolean leaderless = role == RaftRole.FOLLOWER && leaderId == null && ownRoundTerm == term && !quickRetryUsed;
        electionDeadlineMillis = now() + trueMillis(t.electionTimeoutMillis(following, leaderless,
                (following || leaderless) && t.silenceDetector() && SilenceRule.preferred(committedState(), id),
                group.random));
        ensureTimer();
    }

    private void ensureTimer() {
        if (timerScheduled) {
            return;
        }
        timerScheduled = true;
        long myEpoch = epoch;
        group.scheduler.schedule(Math.max(0, electionDeadlineMillis - now()), new Note(id, "election timer"), () -> {
            if (myEpoch != epoch || !alive) {
                return;
            }
            timerScheduled = false;
            onTimer();
        });
    }

    private void onTimer() {
        if (role == RaftRole.LEADER) {
            return;
        }
        if (now() < electionDeadlineMillis) {
            ensureTimer();
        } else if (now() < noElectionUntilMillis) {
            electionDeadlineMillis = noElectionUntilMillis;
            ensureTimer();
        } else {
            if (role == RaftRole.FOLLOWER && group.timing.silenceDetector()) {
                quickRetryUsed |= leaderId == null && ownRoundTerm == term;
                // as the detector: a leaderless campaign carries a recent campaign's silent leader forward
                boolean recent = campaignTerm >= 0
                        && now() - campaignMillis <= trueMillis(2 * group.timing.electionTimeoutMax());
                campaignSilentLeader = leaderId != null ? leaderId : recent ? campaignSilentLeader : null;
                campaignTerm = term;
                campaignMillis = now();
            }
            startRound(group.timing.preVote());
        }
    }

    /** The raft module's LeaderSilenceDetector.silentLeader: the silent leader of a recent campaign from an earlier term. */
    private String silentLeader() {
        boolean recent = now() - campaignMillis <= trueMillis(2 * group.timing.electionTimeoutMax());
        if (campaignTerm >= 0 && campaignTerm < term && recent) {
            return campaignSilentLeader;
        }
        // as the agent's LastContact: the latest leader followed, heard within 2 x ET_max, silent for ET_min
        return marks.silentLeader(now(), trueMillis(group.timing.electionTimeoutMin()),
                trueMillis(2 * group.timing.electionTimeoutMax()));
    }

    /** A trace line about one node. */
    record Note(String node, String what) {
        @Override
        public String toString() {
            return node + ": " + what;
        }
    }
}
