package io.raftgres.testkit;

import io.raftgres.core.model.LeaderRecord;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The operator's part of a {@link ClusterSimulation}'s random schedule, alongside the
 * {@link FaultInjector}: every 8..30 s one request, submitted through a random live member's Raft
 * server as the REST API submits it (so it may be refused or time out like a real one). Kinds and
 * weights: switchover now from the leader key holder that member sees, to the best candidate or a
 * named one, 35; switchover scheduled 1..15 s ahead (still due inside the window), cancelled before
 * it is due one time in two, 20; manual failover to a named candidate (refused while a healthy
 * primary runs), 10; pause (PATCH /config {"pause": true}) for 3..25 s, then resume, 35. Faults go
 * on meanwhile. After the window {@link #resumeUntilDone} resumes a cluster left paused.
 *
 * <p>Threading: single-threaded.
 */
final class OperatorEvents {

    /** How often, and how many times at most, the end of the schedule tries to resume. */
    private static final long RESUME_RETRY_MILLIS = 1_000;
    private static final int RESUME_TRIES = 20;

    private final ClusterSimulation sim;
    private final RandomGenerator random;
    private final EventScheduler scheduler;
    private final List<String> nodes = SimulationOptions.NODES;

    OperatorEvents(ClusterSimulation sim, RandomGenerator random) {
        this.sim = sim;
        this.random = random;
        this.scheduler = sim.scheduler();
    }

    void schedule(long fromMillis, long untilMillis) {
        long at = fromMillis + random.nextLong(2_000, 10_001);
        while (at < untilMillis) {
            scheduler.schedule(at - scheduler.nowMillis(), "operator request", () -> request(untilMillis));
            at += random.nextLong(8_000, 30_001);
        }
    }

    /** From now on, once a second (20 times at most), resumes the cluster while it is paused. */
    void resumeUntilDone() {
        resumeAttempt(RESUME_TRIES);
    }

    private void resumeAttempt(int triesLeft) {
        if (sim.isPaused()) {
            String via = liveNode();
            if (via != null) {
                sim.setPaused(via, false);
            }
        }
        if (triesLeft > 1) {
            scheduler.schedule(RESUME_RETRY_MILLIS, "resume if paused", () -> resumeAttempt(triesLeft - 1));
        }
    }

    private void request(long untilMillis) {
        String via = liveNode();
        if (via == null) {
            return;
        }
        int roll = random.nextInt(100);
        if (roll < 35) {
            sim.requestSwitchover(via, leaderSeenBy(via), candidate(), 0);
        } else if (roll < 55) {
            long now = scheduler.nowMillis();
            long ahead = Math.min(random.nextLong(1_000, 15_001), Math.max(1_000, untilMillis - now - 1_000));
            sim.requestSwitchover(via, leaderSeenBy(via), candidate(), SimClock.WALL_EPOCH_MILLIS + now + ahead);
            if (random.nextBoolean()) {
                scheduler.schedule(random.nextLong(0, ahead), "operator cancels the switchover", () -> {
                    String canceller = liveNode();
                    if (canceller != null) {
                        sim.cancelSwitchover(canceller);
                    }
                });
            }
        } else if (roll < 65) {
            sim.requestSwitchover(via, null, nodes.get(random.nextInt(nodes.size())), 0);
        } else {
            sim.setPaused(via, true);
            long resumeAt = Math.min(scheduler.nowMillis() + random.nextLong(3_000, 25_001), untilMillis);
            scheduler.schedule(resumeAt - scheduler.nowMillis(), "operator resumes", () -> {
                String resumer = liveNode();
                if (resumer != null) {
                    sim.setPaused(resumer, false);
                }
            });
        }
    }

    /** The leader named in the request, as the caller read it from that member's /cluster. */
    private String leaderSeenBy(String via) {
        LeaderRecord key = sim.raft().committedState(via).leader();
        return key == null ? nodes.getFirst() : key.member();
    }

    /** No candidate (the best one) half of the time, else a random member. */
    private String candidate() {
        return random.nextBoolean() ? null : nodes.get(random.nextInt(nodes.size()));
    }

    private String liveNode() {
        List<String> live = nodes.stream().filter(n -> sim.agent(n).isAlive()).toList();
        return live.isEmpty() ? null : live.get(random.nextInt(live.size()));
    }
}
