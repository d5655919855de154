package io.raftgres.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Polls every agent's {@code /primary} health check every 200 ms and records which members
 * claimed to be primary when: the leader changes of the report, and the moment a new primary
 * appeared. Runs on one thread of its own (the per-node requests go out in parallel); bounded
 * by the duration given to {@link #start}.
 */
public final class PrimaryObserver implements AutoCloseable {

    private static final Duration INTERVAL = Duration.ofMillis(200);

    /** One poll: the members whose {@code /primary} answered 200. */
    public record Sample(long atMillis, Set<String> primaries) {
    }

    private final List<Node> nodes;
    private final ScenarioClock clock;
    private final List<Sample> samples = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private Thread thread;

    public PrimaryObserver(List<Node> nodes, ScenarioClock clock) {
        this.nodes = List.copyOf(nodes);
        this.clock = clock;
    }

    public synchronized void start(Duration maxDuration) {
        long deadline = clock.millis() + maxDuration.toMillis();
        thread = Thread.ofPlatform().name("raftgres-it-primary-observer").daemon().start(() -> observe(deadline));
    }

    public synchronized void stop() throws InterruptedException {
        stopping.set(true);
        if (thread != null) {
            thread.join(10_000);
            if (thread.isAlive()) {
                throw new IllegalStateException("primary observer did not stop");
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    public List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /**
     * How often the primary changed: transitions between distinct single primaries, with
     * samples showing none in between ignored (n1, none, n1 is no change; n1, none, n2 is one).
     */
    public int leaderChanges() {
        int changes = 0;
        String current = null;
        for (Sample s : samples()) {
            if (s.primaries().size() != 1) {
                continue;
            }
            String p = s.primaries().iterator().next();
            if (current != null && !current.equals(p)) {
                changes++;
            }
            current = p;
        }
        return changes;
    }

    /** The largest number of members claiming primary in one poll (above 1 deserves a look). */
    public int maxSimultaneousPrimaries() {
        return samples().stream().mapToInt(s -> s.primaries().size()).max().orElse(0);
    }

    /** When {@code member} first answered 200 on /primary at or after {@code fromMillis}, or -1. */
    public long firstPrimaryMillis(String member, long fromMillis) {
        return samples().stream().filter(s -> s.atMillis() >= fromMillis && s.primaries().contains(member))
                .mapToLong(Sample::atMillis).findFirst().orElse(-1);
    }

    private void observe(long deadlineMillis) {
        // Virtual threads: the common pool has one worker on 2 cores, and a frozen node's
        // request must not delay the others' polls.
        try (ExecutorService pollers = Executors.newVirtualThreadPerTaskExecutor()) {
            observe(deadlineMillis, pollers);
        }
    }

    private void observe(long deadlineMillis, ExecutorService pollers) {
        while (!stopping.get() && !Thread.currentThread().isInterrupted() && clock.millis() < deadlineMillis) {
            long start = clock.millis();
            List<CompletableFuture<String>> polls = nodes.stream().map(n -> CompletableFuture.supplyAsync(
                    () -> AgentRest.status(n.rest(), "/primary") == 200 ? n.name() : null, pollers)).toList();
            Set<String> primaries = new TreeSet<>();
            for (CompletableFuture<String> poll : polls) {
                String name = poll.join();
                if (name != null) {
                    primaries.add(name);
                }
            }
            synchronized (samples) {
                samples.add(new Sample(start, primaries));
            }
            long rest = INTERVAL.toMillis() - (clock.millis() - start);
            if (rest > 0) {
                try {
                    TimeUnit.MILLISECONDS.sleep(rest);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
