package io.raftgres.testkit;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The random fault schedule of a {@link ClusterSimulation}: every 3..15 s one fault, healed
 * after its own duration but never later than the end of the fault window. Faults prefer the
 * current primary when they target one node. Kinds and weights: host kill (agent + PostgreSQL +
 * Raft; restarted after 2..20 s, one time in four at once) 15, planned host shutdown (fast stop
 * first, restart later) 5, PostgreSQL crash 15, node isolation (5..30 s) 25, one-way link cut 10,
 * delay burst on a link (up to 1.5 s extra) 10, message loss (up to 20 %) 10, a primary whose
 * PostgreSQL cannot start (crash plus broken start) 10.
 *
 * <p>Threading: single-threaded.
 */
final class FaultInjector {

    private final ClusterSimulation sim;
    private final RandomGenerator random;
    private final EventScheduler scheduler;
    private final List<String> nodes = SimulationOptions.NODES;

    FaultInjector(ClusterSimulation sim, RandomGenerator random) {
        this.sim = sim;
        this.random = random;
        this.scheduler = sim.scheduler();
    }

    void schedule(long fromMillis, long untilMillis) {
        long at = fromMillis;
        while (at < untilMillis) {
            scheduler.schedule(at - scheduler.nowMillis(), "inject fault", () -> inject(untilMillis));
            at += random.nextLong(3_000, 15_001);
        }
    }

    private void inject(long untilMillis) {
        int roll = random.nextInt(100);
        String target = target();
        String other = otherThan(target);
        if (roll < 20) {
            if (sim.agent(target).isAlive()) {
                if (roll < 5) {
                    sim.shutdownNode(target);
                } else {
                    sim.killNode(target);
                }
                // One restart in four is at once (a crashed process restarted by systemd).
                long min = random.nextInt(4) == 0 ? 10 : 2_000;
                heal(untilMillis, min, Math.max(min, random.nextLong(min, 20_001)), () -> {
                    if (sim.isDown(target)) {
                        sim.restartNode(target);
                    }
                });
            }
        } else if (roll < 35) {
            sim.crashPostgres(target);
        } else if (roll < 60) {
            sim.isolate(target);
            heal(untilMillis, 5_000, 30_000, () -> sim.reconnect(target));
        } else if (roll < 70) {
            sim.network().setLink(target, other, false);
            fault(target, "link " + target + "->" + other + " cut");
            heal(untilMillis, 5_000, 20_000, () -> sim.network().setLink(target, other, true));
        } else if (roll < 80) {
            long max = random.nextLong(50, 1_501);
            sim.network().setExtraDelay(target, other, max / 2, max);
            fault(target, "extra delay " + max / 2 + ".." + max + " ms on " + target + "->" + other);
            heal(untilMillis, 2_000, 10_000, () -> sim.network().setExtraDelay(target, other, 0, 0));
        } else if (roll < 90) {
            double loss = random.nextDouble() * 0.2;
            sim.network().setDropProbability(loss);
            fault("*", String.format("message loss %.1f %%", loss * 100));
            heal(untilMillis, 5_000, 20_000, () -> sim.network().setDropProbability(0));
        } else {
            sim.postgres(target).setBrokenStart(true);
            sim.crashPostgres(target);
            fault(target, "PostgreSQL cannot start");
            heal(untilMillis, 5_000, 30_000, () -> sim.postgres(target).setBrokenStart(false));
        }
    }

    /** The writable primary 60 % of the time (if any), else a random node. */
    private String target() {
        String primary = sim.writablePrimary();
        if (primary != null && random.nextInt(100) < 60) {
            return primary;
        }
        return nodes.get(random.nextInt(nodes.size()));
    }

    private String otherThan(String node) {
        List<String> others = nodes.stream().filter(n -> !n.equals(node)).toList();
        return others.get(random.nextInt(others.size()));
    }

    private void fault(String node, String what) {
        sim.milestone(new Milestone(scheduler.nowMillis(), node, Milestone.Kind.NETWORK_FAULT, what));
    }

    private void heal(long untilMillis, long minMillis, long maxMillis, Runnable action) {
        long at = Math.min(scheduler.nowMillis() + random.nextLong(minMillis, maxMillis + 1), untilMillis);
        scheduler.schedule(at - scheduler.nowMillis(), "heal fault", action);
    }
}
