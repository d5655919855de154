package io.raftgres.testkit;

/**
 * Timing of the simulated Raft group and its lease, in milliseconds. The defaults are the
 * project's (ARCHITECTURE §3): election timeout 2000..3000, lease heartbeat every 250, lease
 * 1000 past the send time of the newest committed heartbeat, pre-vote on, and Ratis'
 * {@code leader.step-down.wait-time} of 10 s after a leader lost its majority.
 *
 * @param electionTimeoutMin  ET_min: also how long a voter refuses pre-votes after hearing its leader
 * @param electionTimeoutMax  ET_max: also how long a leader goes without a majority before stepping down
 * @param heartbeatMillis     H: the leader appends a lease heartbeat and sends AppendEntries this often
 * @param leaseMillis         L: lease length past the heartbeat's send time
 * @param stepDownWaitMillis  no elections by a leader that stepped down for lost heartbeats, this long
 * @param transferTimeoutMillis a leadership transfer gives up (and re-enables the lease) after this
 * @param preVote             pre-vote on; the lease argument needs it (only tests turn it off)
 */
public record RaftTiming(long electionTimeoutMin, long electionTimeoutMax, long heartbeatMillis, long leaseMillis,
                         long stepDownWaitMillis, long transferTimeoutMillis, boolean preVote) {

    public static final RaftTiming DEFAULT = new RaftTiming(2000, 3000, 250, 1000, 10_000, 5000, true);

    public RaftTiming {
        if (electionTimeoutMin <= 0 || electionTimeoutMax < electionTimeoutMin) {
            throw new IllegalArgumentException("election timeout range [" + electionTimeoutMin + ", "
                    + electionTimeoutMax + "] is not a positive range");
        }
        if (heartbeatMillis <= 0 || leaseMillis <= 0) {
            throw new IllegalArgumentException("heartbeat " + heartbeatMillis + " and lease " + leaseMillis
                    + " must be positive");
        }
    }

    public RaftTiming withLeaseMillis(long lease) {
        return new RaftTiming(electionTimeoutMin, electionTimeoutMax, heartbeatMillis, lease, stepDownWaitMillis,
                transferTimeoutMillis, preVote);
    }
}
