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
 * @param notes                free text: faults injected, skipped checks, timings
 */
public record ScenarioResult(String scenario, double unavailableSeconds, int acknowledged, int lost,
                             boolean splitBrain, int leaderChanges, Double agentRssMb, String notes) {
}
