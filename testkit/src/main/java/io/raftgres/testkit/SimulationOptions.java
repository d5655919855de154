package io.raftgres.testkit;

import io.raftgres.core.model.DynamicConfig;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Everything that shapes one simulation run besides the events themselves.
 *
 * @param seed                  the only source of randomness
 * @param raft                  Raft and lease timing
 * @param agent                 agent and PostgreSQL operation timing
 * @param delays                message delay distribution
 * @param bootstrapMembers      members whose config has a bootstrap section
 * @param dynamicConfig         seeded into the replicated config by the bootstrapping leader
 * @param removeDataOnRewindFailure       decider setting, same on every member
 * @param removeDataOnDivergedTimelines   decider setting, same on every member
 * @param freshnessWaitMillis   decider setting: how long a new leader waits for fresh member records
 * @param takeoverDelayMillis   decider setting: how long a new leader waits before it takes the
 *                              leader key from another member (the raft module's takeoverDelay)
 * @param maxClockRateError     each host's clock runs at a rate drawn from {@code 1 ± this}
 * @param faultStartMillis      when random faults begin
 * @param faultMillis           how long random faults go on
 * @param calmMillis            healed, fault-free time before the liveness check
 * @param watchdog              watchdog mode and which hosts have no usable device
 */
public record SimulationOptions(long seed, RaftTiming raft, AgentTiming agent, SimulatedNetwork.DelayModel delays,
                                Set<String> bootstrapMembers, DynamicConfig dynamicConfig,
                                boolean removeDataOnRewindFailure, boolean removeDataOnDivergedTimelines,
                                long freshnessWaitMillis, long takeoverDelayMillis, double maxClockRateError,
                                long faultStartMillis,
                                long faultMillis, long calmMillis, WatchdogSetup watchdog) {

    /**
     * The members' {@code watchdog.mode} (automatic, or required) and the hosts whose device
     * cannot be armed. In automatic mode such a host runs without a watchdog; in required mode it
     * publishes {@code watchdog_failed} and never becomes primary.
     */
    public record WatchdogSetup(boolean required, Set<String> unavailable) {
        public static final WatchdogSetup AUTOMATIC = new WatchdogSetup(false, Set.of());

        public WatchdogSetup {
            unavailable = Set.copyOf(unavailable);
        }

        @Override
        public String toString() {
            return (required ? "required" : "automatic") + (unavailable.isEmpty() ? "" : ", no device on "
                    + new java.util.TreeSet<>(unavailable));
        }
    }

    public static final List<String> NODES = List.of("n1", "n2", "n3");
    /** Freshness waits the randomized runs use; 0 leaves only the timing rule between two primaries. */
    private static final long[] FRESHNESS_WAITS = {0, 1500, 3000};

    public SimulationOptions {
        bootstrapMembers = Set.copyOf(bootstrapMembers);
        if (maxClockRateError < 0 || maxClockRateError >= 0.1) {
            throw new IllegalArgumentException("clock rate error must be in [0, 0.1), got " + maxClockRateError);
        }
        if (!NODES.containsAll(bootstrapMembers)) {
            throw new IllegalArgumentException("bootstrap members " + bootstrapMembers + " are not all in " + NODES);
        }
    }

    /** The project defaults: n1 bootstraps, rewind on, 1 MiB lag limit, no variation. */
    public static SimulationOptions defaults(long seed) {
        return new SimulationOptions(seed, RaftTiming.DEFAULT, AgentTiming.DEFAULT, SimulatedNetwork.DelayModel.DEFAULT,
                Set.of("n1"), DynamicConfig.DEFAULT, false, false, 1500, takeoverDelay(RaftTiming.DEFAULT), 0,
                5_000, 120_000, 30_000, WatchdogSetup.AUTOMATIC);
    }

    /**
     * Defaults with settings varied by the seed: who bootstraps, rewind, lag limit, start timeout,
     * freshness wait; clocks drift by up to 0.5 %.
     */
    public static SimulationOptions randomized(long seed, long faultMillis, long calmMillis) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        Set<String> bootstrap = switch (r.nextInt(4)) {
            case 0 -> Set.copyOf(NODES);
            case 1 -> Set.of(NODES.get(r.nextInt(NODES.size())));
            default -> Set.of("n1");
        };
        boolean rewind = r.nextDouble() < 0.85;
        long maxLag = r.nextBoolean() ? 1_048_576 : 262_144;
        long startTimeout = r.nextDouble() < 0.5 ? 300_000 : 5_000 + r.nextLong(10_000);
        DynamicConfig dynamic = new DynamicConfig(1000, maxLag, startTimeout, rewind, true, Map.of(), 0);
        return new SimulationOptions(seed, RaftTiming.DEFAULT, AgentTiming.DEFAULT, SimulatedNetwork.DelayModel.DEFAULT,
                bootstrap, dynamic, r.nextBoolean(), r.nextDouble() < 0.3, FRESHNESS_WAITS[r.nextInt(FRESHNESS_WAITS.length)],
                takeoverDelay(RaftTiming.DEFAULT), 0.005, 3_000 + r.nextLong(12_000), faultMillis, calmMillis,
                watchdogSetup(r, bootstrap));
    }

    /**
     * Required mode in a third of the seeds; a host without a usable device in a quarter. Drawn
     * among the members without a bootstrap section only: a bootstrap member whose required
     * watchdog cannot be armed holds the initialize claim and retries forever (issue 9 item 6,
     * being fixed on another branch); draw from every member once that fix is in.
     */
    private static WatchdogSetup watchdogSetup(SplittableRandom r, Set<String> bootstrap) {
        boolean required = r.nextInt(3) == 0;
        List<String> others = NODES.stream().filter(n -> !bootstrap.contains(n)).toList();
        boolean missing = r.nextInt(4) == 0 && !others.isEmpty();
        return new WatchdogSetup(required, missing ? Set.of(others.get(r.nextInt(others.size()))) : Set.of());
    }

    /** {@code SafetyTiming.takeoverDelay()}, as the agent passes it to the decider (1620 ms with the defaults). */
    public static long takeoverDelay(RaftTiming timing) {
        return timing.safety().takeoverDelay().toMillis();
    }

    public SimulationOptions withRaft(RaftTiming timing) {
        return new SimulationOptions(seed, timing, agent, delays, bootstrapMembers, dynamicConfig,
                removeDataOnRewindFailure, removeDataOnDivergedTimelines, freshnessWaitMillis, takeoverDelayMillis,
                maxClockRateError, faultStartMillis, faultMillis, calmMillis, watchdog);
    }

    public SimulationOptions withAgent(AgentTiming timing) {
        return new SimulationOptions(seed, raft, timing, delays, bootstrapMembers, dynamicConfig,
                removeDataOnRewindFailure, removeDataOnDivergedTimelines, freshnessWaitMillis, takeoverDelayMillis,
                maxClockRateError, faultStartMillis, faultMillis, calmMillis, watchdog);
    }

    public SimulationOptions withWatchdog(WatchdogSetup setup) {
        return new SimulationOptions(seed, raft, agent, delays, bootstrapMembers, dynamicConfig,
                removeDataOnRewindFailure, removeDataOnDivergedTimelines, freshnessWaitMillis, takeoverDelayMillis,
                maxClockRateError, faultStartMillis, faultMillis, calmMillis, setup);
    }

    public SimulationOptions withDynamicConfig(DynamicConfig config) {
        return new SimulationOptions(seed, raft, agent, delays, bootstrapMembers, config, removeDataOnRewindFailure,
                removeDataOnDivergedTimelines, freshnessWaitMillis, takeoverDelayMillis, maxClockRateError,
                faultStartMillis, faultMillis, calmMillis, watchdog);
    }

    /** The same options with the decider's freshness wait and takeover delay replaced (0 turns them off). */
    public SimulationOptions withDeciderWaits(long freshnessMillis, long takeoverMillis) {
        return new SimulationOptions(seed, raft, agent, delays, bootstrapMembers, dynamicConfig,
                removeDataOnRewindFailure, removeDataOnDivergedTimelines, freshnessMillis, takeoverMillis,
                maxClockRateError, faultStartMillis, faultMillis, calmMillis, watchdog);
    }

    @Override
    public String toString() {
        return "seed " + seed + ": bootstrap " + new java.util.TreeSet<>(bootstrapMembers) + ", use_pg_rewind "
                + dynamicConfig.usePgRewind() + ", max lag " + dynamicConfig.maximumLagOnFailover()
                + ", primary_start_timeout " + dynamicConfig.primaryStartTimeoutMillis() + " ms"
                + ", remove data on rewind failure " + removeDataOnRewindFailure + ", on diverged timelines "
                + removeDataOnDivergedTimelines + ", freshness wait " + freshnessWaitMillis + " ms, takeover delay "
                + takeoverDelayMillis + " ms, clock error "
                + maxClockRateError + ", faults " + faultStartMillis + "+" + faultMillis + " ms, watchdog " + watchdog;
    }
}
