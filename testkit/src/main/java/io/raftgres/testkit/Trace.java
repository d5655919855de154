package io.raftgres.testkit;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last few things that happened in a simulation, for the dump that accompanies an
 * invariant violation. Entries are kept as objects and formatted only when dumped, so tracing
 * every event costs almost nothing.
 *
 * <p>Threading: single-threaded.
 */
public final class Trace {

    private record Line(long eventNumber, long atMillis, Object what) { }

    private final int capacity;
    private final Deque<Line> events = new ArrayDeque<>();
    private final Deque<Line> notes = new ArrayDeque<>();
    private boolean echo;

    /** Keeps the last {@code capacity} events and, separately, the last {@code capacity} notes. */
    public Trace(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("trace capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Also prints every line as it is recorded (for debugging one seed by hand). */
    public void echo(boolean on) {
        this.echo = on;
    }

    /** An event the scheduler ran. */
    void event(long eventNumber, long atMillis, Object what) {
        add(events, new Line(eventNumber, atMillis, what));
    }

    /** Something that happened inside an event: a decision, an election, a fault. */
    void note(long eventNumber, long atMillis, Object what) {
        add(notes, new Line(eventNumber, atMillis, what));
    }

    private void add(Deque<Line> lines, Line line) {
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line);
        if (echo) {
            System.out.println(format(line));
        }
    }

    /** The retained notes and events, oldest first, one per line of text. */
    public String dump() {
        StringBuilder out = new StringBuilder("last notes:\n");
        notes.forEach(line -> out.append(format(line)).append('\n'));
        out.append("last events:\n");
        events.forEach(line -> out.append(format(line)).append('\n'));
        return out.toString();
    }

    private static String format(Line line) {
        return String.format("  #%-7d t=%9d  %s", line.eventNumber(), line.atMillis(), line.what());
    }
}
