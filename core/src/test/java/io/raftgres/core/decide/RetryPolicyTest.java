package io.raftgres.core.decide;

import io.raftgres.core.model.Activity;
import io.raftgres.core.model.ControlState;
import io.raftgres.core.model.Failures;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.raftgres.core.decide.Fixtures.NOW;
import static io.raftgres.core.decide.Fixtures.TERM;
import static io.raftgres.core.decide.Fixtures.cluster;
import static io.raftgres.core.decide.Fixtures.decider;
import static io.raftgres.core.decide.Fixtures.failedTimes;
import static io.raftgres.core.decide.Fixtures.follower;
import static io.raftgres.core.decide.Fixtures.member;
import static io.raftgres.core.decide.Fixtures.replicaRecord;
import static io.raftgres.core.decide.Fixtures.stopped;
import static io.raftgres.core.decide.Fixtures.view;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The back-off numbers and sentences. The table test ({@link HaDeciderTableTest}) pins which decisions
 * wait; before the back-off a failed start was retried on the very next cycle, which the agent ran
 * right after the failure woke it (about 16 times a second). The table row "the fence is never delayed
 * by a back-off" failed when RetryPolicy.activityOf mapped the immediate stop to STOPPING like the fast
 * one (tried once on purpose).
 */
class RetryPolicyTest {

    @Test
    void delayDoublesFromOneSecondAndIsCappedAtThirtySeconds() {
        assertEquals(List.of(0L, 1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L),
                List.of(0, 1, 2, 3, 4, 5, 6, 1000).stream().map(RetryPolicy::delayMillis).toList());
    }

    @Test
    void waitSaysWhatFailedHowOftenWhyAndWhenItIsTriedAgain() {
        var state = cluster("n1", TERM, member("n1", io.raftgres.core.model.PgRole.PRIMARY, "running", 1, 5000, TERM),
                replicaRecord("n2", 5000));
        var local = failedTimes(stopped(ControlState.SHUT_DOWN_IN_RECOVERY, 1, 5000), Activity.STARTING, 3,
                NOW - 1_200);

        Decision d = decider("n2").decide(view(state, follower("n1")), local, NOW);

        assertEquals(Reason.BACKOFF, d.reason());
        assertEquals("no action: starting PostgreSQL failed 3 times in a row (cannot start PostgreSQL: pg_ctl exited 1"
                + " ... FATAL: could not access file \"no_such_lib\"); trying again in 3 s", d.summary());
        assertEquals(2_800, d.recheckInMillis(), "the loop sleeps until the back-off ends");
    }

    @Test
    void countsSurviveOtherOperationsAndResetOnSuccess() {
        Failures f = Failures.NONE.failed(Activity.INITDB, 1, "a").failed(Activity.REMOVING_DATA, 2, "b")
                .succeeded(Activity.REMOVING_DATA).failed(Activity.INITDB, 3, "c");
        assertEquals(2, f.count(Activity.INITDB));
        assertEquals(Activity.INITDB, f.last());
        assertEquals(0, f.succeeded(Activity.INITDB).count(Activity.INITDB));
        assertEquals(Activity.NONE, f.succeeded(Activity.INITDB).last());
    }

    /** Seed 1113 of the simulation waited 27 s after its rewind for a start that had failed before it. */
    @Test
    void aRewriteOfTheDataDirectoryEndsTheStartBackOffButNothingElseDoes() {
        Failures starts = Failures.NONE.failed(Activity.STARTING, 1, "a").failed(Activity.STARTING, 2, "b");
        assertEquals(0, starts.succeeded(Activity.REWINDING).count(Activity.STARTING));
        assertEquals(0, starts.succeeded(Activity.CLONING).count(Activity.STARTING));
        assertEquals(2, starts.succeeded(Activity.PROMOTING).count(Activity.STARTING));
        assertEquals(2, starts.succeeded(Activity.STOPPING).count(Activity.STARTING));
    }

    @Test
    void aRewindWhoseSourceWasUnavailableWaitsAtMostFourSeconds() {
        var state = Fixtures.withHistory(cluster("n1", TERM, member("n1", io.raftgres.core.model.PgRole.PRIMARY,
                "running", 2, 9000, TERM), replicaRecord("n2", 5000)), 2, 5000, "n1");
        Failures f = Failures.NONE;
        for (int i = 0; i < 8; i++) {
            f = f.failed(Activity.REWINDING, NOW - 1_000, "pg_rewind: " + RetryPolicy.REWIND_SOURCE_UNAVAILABLE
                    + ": could not connect to server");
        }
        // The tracker leaves failedActivity clear for such a rewind: it is retried, not final.
        var local = stopped(ControlState.IN_PRODUCTION, 1, 6000).withFailures(f);
        Decision d = decider("n2").decide(view(state, follower("n1")), local, NOW);
        assertEquals(Reason.BACKOFF, d.reason(), d.summary());
        assertEquals(3_000, d.recheckInMillis(), d.summary());
    }
}
