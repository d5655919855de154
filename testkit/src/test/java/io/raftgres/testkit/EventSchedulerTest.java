package io.raftgres.testkit;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventSchedulerTest {

    private final FakeClock clock = new FakeClock(0);
    private final Trace trace = new Trace(5);
    private final EventScheduler scheduler = new EventScheduler(clock, trace);

    @Test
    void runsEventsByTimeThenInSchedulingOrder() {
        List<String> ran = new ArrayList<>();
        scheduler.schedule(20, "late", () -> ran.add("late@" + clock.nowMillis()));
        scheduler.schedule(10, "first", () -> ran.add("first@" + clock.nowMillis()));
        scheduler.schedule(10, "second", () -> ran.add("second@" + clock.nowMillis()));
        scheduler.runFor(100);
        assertEquals(List.of("first@10", "second@10", "late@20"), ran);
        assertEquals(100, clock.nowMillis());
    }

    @Test
    void skipsCancelledEventsAndRunsHookAfterEachEvent() {
        List<String> ran = new ArrayList<>();
        int[] hooks = {0};
        scheduler.afterEachEvent(() -> hooks[0]++);
        scheduler.schedule(5, "kept", () -> ran.add("kept")).atMillis();
        scheduler.schedule(5, "dropped", () -> ran.add("dropped")).cancel();
        scheduler.runFor(10);
        assertEquals(List.of("kept"), ran);
        assertEquals(1, hooks[0]);
        assertEquals(1, scheduler.executedEvents());
    }

    @Test
    void eventsScheduledByEventsRunInTheSameRun() {
        List<Long> times = new ArrayList<>();
        scheduler.schedule(1, "outer", () -> scheduler.schedule(0, "inner", () -> times.add(clock.nowMillis())));
        scheduler.runFor(5);
        assertEquals(List.of(1L), times);
    }

    @Test
    void refusesNegativeDelaysAndBackwardTime() {
        assertThrows(IllegalArgumentException.class, () -> scheduler.schedule(-1, "bad", () -> { }));
        clock.advanceTo(50);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> clock.advanceTo(49));
        assertTrue(e.getMessage().contains("backwards"), e.getMessage());
    }

    @Test
    void traceKeepsOnlyTheLastEventsAndNotes() {
        for (int i = 0; i < 10; i++) {
            int n = i;
            scheduler.schedule(i, "event " + i, () -> scheduler.note("note " + n));
        }
        scheduler.runFor(20);
        String dump = trace.dump();
        assertTrue(dump.contains("event 9") && dump.contains("note 9"), dump);
        assertTrue(dump.contains("event 5") && !dump.contains("event 4 "), dump);
        assertTrue(!dump.contains("note 4\n"), dump);
    }
}
