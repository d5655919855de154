package io.raftgres.api;

/**
 * A validated {@code POST /switchover} or {@code POST /failover}, as the API hands it to the agent.
 *
 * @param leader            the primary to switch away from; null for a manual failover
 * @param candidate         the member to switch to; null: the best one
 * @param scheduledAtMillis epoch ms when it is due; 0 for now
 */
public record SwitchoverCall(String leader, String candidate, long scheduledAtMillis) {

    public boolean isFailover() {
        return leader == null;
    }
}
