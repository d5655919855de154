package io.raftgres.vip;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Holds delayed tasks until the test runs them, in delay order, so announcement pacing can be
 * asserted without sleeping. Not thread-safe: tests drive it from one thread.
 */
final class FakeDelayedExecutor implements DelayedExecutor {

    record Pending(Duration delay, Runnable task) { }

    private final List<Pending> pending = new ArrayList<>();

    @Override
    public void execute(Runnable task, Duration delay) {
        pending.add(new Pending(delay, task));
    }

    List<Duration> delays() {
        return pending.stream().map(Pending::delay).toList();
    }

    /** Runs every held task, earliest delay first, and forgets them. */
    void runAll() {
        List<Pending> due = new ArrayList<>(pending);
        pending.clear();
        due.sort(Comparator.comparing(Pending::delay));
        due.forEach(p -> p.task().run());
    }
}
