package io.raftgres.testkit;

import java.util.PriorityQueue;

/**
 * A priority queue of simulated events. Events run one at a time in (time, sequence number)
 * order, so two events due at the same millisecond run in the order they were scheduled and a
 * run is fully determined by its seed. Running an event moves the {@link FakeClock} to the
 * event's time and then calls the after-event hook (the invariant checks).
 *
 * <p>Threading: single-threaded; events may schedule further events.
 */
public final class EventScheduler {

    /** A scheduled event; {@link #cancel()} makes it a no-op. */
    public static final class Event implements Comparable<Event> {
        private final long atMillis;
        private final long sequence;
        private final Object label;
        private final Runnable action;
        private boolean cancelled;

        private Event(long atMillis, long sequence, Object label, Runnable action) {
            this.atMillis = atMillis;
            this.sequence = sequence;
            this.label = label;
            this.action = action;
        }

        public void cancel() {
            cancelled = true;
        }

        public boolean isCancelled() {
            return cancelled;
        }

        public long atMillis() {
            return atMillis;
        }

        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(atMillis, other.atMillis);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private final FakeClock clock;
    private final Trace trace;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long nextSequence;
    private long executed;
    private Runnable afterEvent = () -> { };

    public EventScheduler(FakeClock clock, Trace trace) {
        this.clock = clock;
        this.trace = trace;
    }

    public FakeClock clock() {
        return clock;
    }

    public long nowMillis() {
        return clock.nowMillis();
    }

    /** Number of events run so far; identifies an event in failure reports. */
    public long executedEvents() {
        return executed;
    }

    /** Called after every event (the invariant checks go here). */
    public void afterEachEvent(Runnable hook) {
        this.afterEvent = hook;
    }

    /** Records a line in the trace without an event of its own. */
    public void note(Object what) {
        trace.note(executed, clock.nowMillis(), what);
    }

    /** Schedules {@code action} {@code delayMillis} from now; {@code label} is formatted only for dumps. */
    public Event schedule(long delayMillis, Object label, Runnable action) {
        if (delayMillis < 0) {
            throw new IllegalArgumentException("negative delay " + delayMillis + " for " + label);
        }
        Event event = new Event(clock.nowMillis() + delayMillis, nextSequence++, label, action);
        queue.add(event);
        return event;
    }

    /** Runs events until the next one is due after {@code untilMillis}; leaves the clock there. */
    public void runUntil(long untilMillis) {
        while (!queue.isEmpty() && queue.peek().atMillis <= untilMillis) {
            Event event = queue.poll();
            if (event.cancelled) {
                continue;
            }
            clock.advanceTo(event.atMillis);
            executed++;
            trace.event(executed, event.atMillis, event.label);
            event.action.run();
            afterEvent.run();
        }
        clock.advanceTo(Math.max(clock.nowMillis(), untilMillis));
    }

    /** Runs for {@code millis} of simulated time from now. */
    public void runFor(long millis) {
        runUntil(clock.nowMillis() + millis);
    }
}
