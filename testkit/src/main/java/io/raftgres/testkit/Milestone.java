package io.raftgres.testkit;

/**
 * A notable moment of a simulation run (a promotion, a fence, an injected fault), kept in full
 * so scenario tests can assert on order and timing.
 */
public record Milestone(long atMillis, String node, Kind kind, String detail) {

    public enum Kind {
        NODE_KILLED, AGENT_KILLED, NODE_SHUTDOWN, NODE_RESTARTED, PG_CRASHED, ISOLATED, RECONNECTED, NETWORK_FAULT, HEALED,
        FENCE_STARTED, STOPPED, PROMOTED, STARTED_PRIMARY, STARTED_STANDBY, BOOTSTRAPPED, CLONED, REWOUND,
        DATA_REMOVED, OPERATION_FAILED, LEADER_CLAIMED, TRANSFER_REQUESTED, VIP_ADDED, VIP_REMOVED,
        WATCHDOG_RESET, SWITCHOVER_REQUESTED, SWITCHOVER_CANCELLED, PAUSED, RESUMED, OPERATOR_REFUSED
    }

    @Override
    public String toString() {
        return "t=" + atMillis + " " + node + " " + kind + (detail == null || detail.isEmpty() ? "" : " " + detail);
    }
}
