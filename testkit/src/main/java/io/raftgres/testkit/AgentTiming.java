package io.raftgres.testkit;

/**
 * Timing of the simulated agent and of its PostgreSQL operations, in milliseconds.
 *
 * @param loopWaitMillis      HA loop period (woken early by state changes)
 * @param minRecheckMillis    floor for a decision's {@code recheckIn}, so "look again at once" cannot spin
 * @param leaseCheckMillis    period of the lease watcher that fences a primary without a lease
 * @param commandTimeoutMillis how long the executor waits for a Raft command to commit
 * @param initdbMillis        initdb plus the first start
 * @param startMillis         pg_ctl start (primary or standby)
 * @param promoteMillis       pg_ctl promote until writable
 * @param stopFastMillis      pg_ctl stop -m fast
 * @param fenceMinMillis      shortest stop -m immediate when fencing
 * @param fenceMaxMillis      longest stop -m immediate when fencing (the timing rule's fence budget)
 * @param cloneMillis         pg_basebackup
 * @param rewindMillis        pg_rewind
 * @param removeDataMillis    deleting the data directory
 */
public record AgentTiming(long loopWaitMillis, long minRecheckMillis, long leaseCheckMillis, long commandTimeoutMillis,
                          long initdbMillis, long startMillis, long promoteMillis, long stopFastMillis,
                          long fenceMinMillis, long fenceMaxMillis, long cloneMillis, long rewindMillis,
                          long removeDataMillis) {

    public static final AgentTiming DEFAULT =
            new AgentTiming(1000, 10, 100, 2000, 500, 300, 200, 50, 20, 500, 800, 400, 100);

    public AgentTiming {
        if (loopWaitMillis <= 0 || leaseCheckMillis <= 0 || minRecheckMillis <= 0) {
            throw new IllegalArgumentException("loop wait " + loopWaitMillis + ", lease check " + leaseCheckMillis
                    + " and minimum recheck " + minRecheckMillis + " must be positive");
        }
        if (fenceMinMillis > fenceMaxMillis) {
            throw new IllegalArgumentException("fence range [" + fenceMinMillis + ", " + fenceMaxMillis + "] is empty");
        }
    }

    /** The longest a writable primary may run without a lease: one check interval plus the fence. */
    public long fenceBudgetMillis() {
        return leaseCheckMillis + fenceMaxMillis;
    }
}
