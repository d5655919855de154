package io.raftgres.it;

/**
 * One row of the failover report. Immutable; serialized to JSON as is.
 *
 * @param scenario             scenario name (kill-primary, ...)
 * @param unavailableSeconds   longest time without an acknowledged write, in seconds
 * @param acknowledged         writes acknowledged during the scenario
 * @param lost                 acknowledged writes missing on the final primary
 * @param splitBrain           whether two members accepted writes in overlapping windows
 * @param leaderChanges        leader changes seen during the scenario
 * @param agentRssMb           largest agent resident set size over the members, or null when unknown
 * @param vipMovedSeconds      from the first fault until the new primary alone held the VIP, or null
 *                             when the primary did not change (or no VIP was watched)
 * @param vipAbsentSeconds     longest time no host held the VIP, or null when no VIP was watched
 * @param vipOnTwoHosts        whether two hosts ever held the VIP at once
 * @param notes                free text: faults injected, skipped checks, timings
 */
public record ScenarioResult(String scenario, double unavailableSeconds, int acknowledged, int lost,
                             boolean splitBrain, int leaderChanges, Double agentRssMb, Double vipMovedSeconds,
                             Double vipAbsentSeconds, boolean vipOnTwoHosts, String notes) {
}
