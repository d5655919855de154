package io.raftgres.ha;

import io.raftgres.core.decide.RetryPolicy;
import io.raftgres.core.model.Activity;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.MemberTags;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent side of the back-off: the tracker counts failures in a row per operation and stamps each
 * with the HA loop's clock at the next merge, so the pure decider can compute the wait; a member that
 * gave up bootstrapping publishes that it cannot bootstrap. Before, the tracker kept only the last
 * failure, so every decision retried at once.
 */
class LocalTrackerTest {

    private final LocalTracker tracker = new LocalTracker();

    @Test
    void failureIsCountedAndStampedWithTheLoopClockOfTheNextMerge() {
        tracker.begin(Activity.STARTING);
        tracker.fail(Activity.STARTING, "cannot start PostgreSQL");
        LocalPgState first = tracker.merge(LocalPgState.empty(), 5_000);
        LocalPgState later = tracker.merge(LocalPgState.empty(), 9_000);

        assertEquals(1, first.failures().count(Activity.STARTING));
        assertEquals(5_000, first.failures().lastAtMillis());
        assertEquals(5_000, later.failures().lastAtMillis(), "stamped once");

        tracker.begin(Activity.STARTING);
        tracker.fail(Activity.STARTING, "again");
        assertEquals(2, tracker.merge(LocalPgState.empty(), 10_000).failures().count(Activity.STARTING));

        tracker.begin(Activity.STARTING);
        tracker.succeed();
        assertEquals(0, tracker.merge(LocalPgState.empty(), 11_000).failures().count(Activity.STARTING));
    }

    /**
     * A rewind whose source was unavailable (the container suite saw "the database system is starting
     * up" and a connection timeout while the new primary was fenced and restarted) is retried with the
     * back-off; before, only three connection-refused phrasings were, and these left the member stopped
     * for good ("stays stopped: pg_rewind failed").
     */
    @Test
    void unavailableRewindSourceIsNotAFailedRewindButStillBacksOff() {
        for (String why : new String[] {
                "rewind from n2 failed after 12 ms: " + RetryPolicy.REWIND_SOURCE_UNAVAILABLE
                        + ": cannot check the checkpoint timeline of rewind source n2: FATAL: the database system is starting up",
                "rewind from n2 failed after 10012 ms: " + RetryPolicy.REWIND_SOURCE_UNAVAILABLE
                        + ": cannot check the checkpoint timeline of rewind source n2: Connection attempt timed out."}) {
            tracker.begin(Activity.REWINDING);
            tracker.fail(Activity.REWINDING, why);
            LocalPgState state = tracker.merge(LocalPgState.empty(), 1_000);
            assertEquals(Activity.NONE, state.failedActivity(), why);
        }
        assertEquals(2, tracker.merge(LocalPgState.empty(), 2_000).failures().count(Activity.REWINDING),
                "counted, so the retry backs off");
    }

    @Test
    void rewindThatFailedOnTheDataDirectoryIsFinal() {
        tracker.begin(Activity.REWINDING);
        tracker.fail(Activity.REWINDING, "rewind from n2 failed after 900 ms: pg_rewind exited 1: could not open file");
        assertEquals(Activity.REWINDING, tracker.merge(LocalPgState.empty(), 1_000).failedActivity());
    }

    @Test
    void memberThatGaveUpBootstrappingPublishesThatItCannotBootstrap() {
        AgentIdentity me = new AgentIdentity("demo", "n1", "http://127.0.0.1:8008", "127.0.0.1:5010", "127.0.0.1",
                5433, MemberTags.DEFAULT, DynamicConfig.DEFAULT, "test");
        MemberPublisher publisher = new MemberPublisher(me, null, () -> false, Clock.SYSTEM);
        for (int i = 0; i < RetryPolicy.BOOTSTRAP_ATTEMPTS - 1; i++) {
            tracker.begin(Activity.INITDB);
            tracker.fail(Activity.INITDB, "initdb failed");
        }
        assertTrue(publisher.record(tracker.merge(LocalPgState.empty(), 1_000)).canBootstrap());

        tracker.begin(Activity.INITDB);
        tracker.fail(Activity.INITDB, "initdb failed");
        assertFalse(publisher.record(tracker.merge(LocalPgState.empty(), 2_000)).canBootstrap());
    }
}
