package io.raftgres.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;

/**
 * Takes one look every interval on a thread of its own and keeps what each look returned, in
 * order: the loop shared by the suite's observers. A look gets the scenario time it started at.
 * A look that throws is reported on stderr and leaves no sample; the next one runs as usual.
 * Bounded by the duration given to {@link #start}; {@link #stop} waits for the current look.
 *
 * @param <S> what one look records
 */
final class Sampler<S> {

    private final String threadName;
    private final Duration interval;
    private final ScenarioClock clock;
    private final LongFunction<S> look;
    private final List<S> samples = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private Thread thread;

    Sampler(String threadName, Duration interval, ScenarioClock clock, LongFunction<S> look) {
        this.threadName = threadName;
        this.interval = interval;
        this.clock = clock;
        this.look = look;
    }

    synchronized void start(Duration maxDuration) {
        if (thread != null) {
            throw new IllegalStateException(threadName + " already started");
        }
        long deadline = clock.millis() + maxDuration.toMillis();
        thread = Thread.ofPlatform().name(threadName).daemon().start(() -> run(deadline));
    }

    synchronized void stop() throws InterruptedException {
        stopping.set(true);
        if (thread != null) {
            thread.join(10_000);
            if (thread.isAlive()) {
                throw new IllegalStateException(threadName + " did not stop");
            }
        }
    }

    List<S> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    private void run(long deadlineMillis) {
        while (!stopping.get() && !Thread.currentThread().isInterrupted() && clock.millis() < deadlineMillis) {
            long start = clock.millis();
            try {
                S sample = look.apply(start);
                synchronized (samples) {
                    samples.add(sample);
                }
            } catch (RuntimeException e) {
                System.err.println(threadName + ": look at " + start + " ms failed: " + e);
            }
            clock.sleepUntil(start + interval.toMillis());
        }
    }
}
