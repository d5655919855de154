package io.raftgres.it;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
    // Virtual threads: the common pool has one worker on 2 cores, and a frozen node's request
    // must not delay the others' polls.
    private final ExecutorService pollers = Executors.newVirtualThreadPerTaskExecutor();
    private final Sampler<Sample> sampler;

    public PrimaryObserver(List<Node> nodes, ScenarioClock clock) {
        this.nodes = List.copyOf(nodes);
        this.sampler = new Sampler<>("raftgres-it-primary-observer", INTERVAL, clock, this::poll);
    }

    public void start(Duration maxDuration) {
        sampler.start(maxDuration);
    }

    public void stop() throws InterruptedException {
        sampler.stop();
        pollers.close();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    public List<Sample> samples() {
        return sampler.samples();
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

    private Sample poll(long atMillis) {
        List<CompletableFuture<String>> polls = nodes.stream().map(n -> CompletableFuture.supplyAsync(
                () -> AgentRest.status(n.rest(), "/primary") == 200 ? n.name() : null, pollers)).toList();
        Set<String> primaries = new TreeSet<>();
        for (CompletableFuture<String> poll : polls) {
            String name = poll.join();
            if (name != null) {
                primaries.add(name);
            }
        }
        return new Sample(atMillis, primaries);
    }
}
