package io.raftgres.testkit;

/**
 * Timing of the simulated host's PostgreSQL operations and VIP removal, in milliseconds. The HA
 * loop's own timing is the agent's: {@code loop_wait} from the replicated configuration, the loop's
 * minimum gap between cycles, the executor's wait for a Raft commit.
 *
 * @param initdbMillis        initdb plus the first start
 * @param startMillis         pg_ctl start (primary or standby)
 * @param promoteMillis       pg_ctl promote until writable
 * @param stopFastMillis      pg_ctl stop -m fast
 * @param fenceMinMillis      shortest stop -m immediate when fencing; the longest is the fence budget
 *                            ({@link RaftTiming#fenceBudgetMillis()}), which the agent's escalation to
 *                            SIGKILL bounds
 * @param vipRemoveTypicalMillis longest {@code ip addr del} when no add or renewal is in flight
 * @param vipRemoveMaxMillis  longest {@code ip addr del}, waiting for an add or renewal in flight
 *                            included: up to the VIP's {@code command_timeout_ms} (2 s); the fence
 *                            bounds its own removal by the fence budget
 * @param cloneMillis         pg_basebackup
 * @param rewindMillis        pg_rewind
 * @param removeDataMillis    deleting the data directory
 */
public record AgentTiming(long initdbMillis, long startMillis, long promoteMillis, long stopFastMillis,
                          long fenceMinMillis, long cloneMillis, long rewindMillis, long removeDataMillis,
                          long vipRemoveTypicalMillis, long vipRemoveMaxMillis) {

    public static final AgentTiming DEFAULT =
            new AgentTiming(500, 300, 200, 50, 20, 800, 400, 100, 20, 2000);

    public AgentTiming {
        if (fenceMinMillis < 0 || vipRemoveTypicalMillis < 0 || vipRemoveMaxMillis < vipRemoveTypicalMillis) {
            throw new IllegalArgumentException("fence minimum " + fenceMinMillis + " must not be negative, VIP removal"
                    + " range [" + vipRemoveTypicalMillis + ", " + vipRemoveMaxMillis + "] not empty");
        }
    }
}
