package io.raftgres.core.model;

/**
 * What the agent observed about its own PostgreSQL this cycle. Probe failures are values
 * here ({@code running=false}, {@code probeError}), never exceptions.
 *
 * @param hasDataDirectory   the data directory holds a PostgreSQL cluster (PG_VERSION present)
 * @param systemId           system identifier from pg_controldata, else null
 * @param controlState       pg_controldata's cluster state
 * @param running            the postmaster accepts connections
 * @param inRecovery         pg_is_in_recovery() (only meaningful when running)
 * @param timeline           current timeline (running) or the last checkpoint's (stopped); 0 unknown
 * @param writeLsn           primary: current WAL write position; replica: last received position
 * @param replayLsn          last replayed position (replica), equal to writeLsn on a primary
 * @param streaming          WAL receiver is streaming
 * @param upstream           member name this data directory is configured to follow, else null
 * @param timelineStartLsn   where the current timeline began (from its .history file), else null
 * @param activity           the background operation in progress
 * @param lastFailure        one sentence about the last failed background operation, else null
 * @param failedActivity     which background operation failed last (NONE when the last one succeeded)
 * @param downSinceMillis    agent clock (ms) since when PostgreSQL is found not running after it
 *                           ran, or -1; drives primary_start_timeout
 * @param serverVersion      server_version_num, 0 unknown
 * @param probeError         why the probe could not read state, else null
 * @param replayTimestampMillis commit time (epoch ms, primary's clock) of the last transaction a
 *                           replica replayed, pg_last_xact_replay_timestamp(); null when none was
 *                           replayed since it started, on a primary, or unknown
 * @param timelineStartReason why the current timeline began, as PostgreSQL wrote it into the
 *                           timeline's .history file ("no recovery target specified"), else null
 * @param watchdogUnusable   agent fact: the watchdog is required but cannot be armed now, so
 *                           this member must not become or stay a primary it is not yet running
 * @param failures           background operations that failed in a row (agent fact), for back-off
 * @param timelineOrigin     agent fact kept with the data directory: the promotion that created
 *                           its timeline when this member made it, else null (unknown)
 * @param replayPaused       a running replica's WAL replay is paused (pg_is_wal_replay_paused(),
 *                           also true while a pause is requested); false on a primary or when unknown
 */
public record LocalPgState(boolean hasDataDirectory, String systemId, ControlState controlState, boolean running,
                           boolean inRecovery, long timeline, Lsn writeLsn, Lsn replayLsn, boolean streaming,
                           String upstream, Lsn timelineStartLsn, Activity activity, String lastFailure, Activity failedActivity,
                           long downSinceMillis, int serverVersion, String probeError, Long replayTimestampMillis,
                           String timelineStartReason, boolean watchdogUnusable, Failures failures,
                           TimelineOrigin timelineOrigin, boolean replayPaused) {

    public LocalPgState {
        failures = failures == null ? Failures.NONE : failures;
    }

    /** A view without the replay pause (not paused): for observers that do not read it. */
    public LocalPgState(boolean hasDataDirectory, String systemId, ControlState controlState, boolean running,
                        boolean inRecovery, long timeline, Lsn writeLsn, Lsn replayLsn, boolean streaming,
                        String upstream, Lsn timelineStartLsn, Activity activity, String lastFailure,
                        Activity failedActivity, long downSinceMillis, int serverVersion, String probeError,
                        Long replayTimestampMillis, String timelineStartReason, boolean watchdogUnusable,
                        Failures failures, TimelineOrigin timelineOrigin) {
        this(hasDataDirectory, systemId, controlState, running, inRecovery, timeline, writeLsn, replayLsn, streaming,
                upstream, timelineStartLsn, activity, lastFailure, failedActivity, downSinceMillis, serverVersion,
                probeError, replayTimestampMillis, timelineStartReason, watchdogUnusable, failures, timelineOrigin,
                false);
    }

    /** A probe's view before the agent adds the origin of its timeline. */
    public LocalPgState(boolean hasDataDirectory, String systemId, ControlState controlState, boolean running,
                        boolean inRecovery, long timeline, Lsn writeLsn, Lsn replayLsn, boolean streaming,
                        String upstream, Lsn timelineStartLsn, Activity activity, String lastFailure,
                        Activity failedActivity, long downSinceMillis, int serverVersion, String probeError,
                        Long replayTimestampMillis, String timelineStartReason, boolean watchdogUnusable,
                        Failures failures) {
        this(hasDataDirectory, systemId, controlState, running, inRecovery, timeline, writeLsn, replayLsn, streaming,
                upstream, timelineStartLsn, activity, lastFailure, failedActivity, downSinceMillis, serverVersion,
                probeError, replayTimestampMillis, timelineStartReason, watchdogUnusable, failures, null);
    }

    /**
     * A probe's view without a replay timestamp or timeline reason, before the agent adds its
     * watchdog fact (usable) and failure counts: for observers that do not read them (simulation,
     * decider tests).
     */
    public LocalPgState(boolean hasDataDirectory, String systemId, ControlState controlState, boolean running,
                        boolean inRecovery, long timeline, Lsn writeLsn, Lsn replayLsn, boolean streaming,
                        String upstream, Lsn timelineStartLsn, Activity activity, String lastFailure,
                        Activity failedActivity, long downSinceMillis, int serverVersion, String probeError) {
        this(hasDataDirectory, systemId, controlState, running, inRecovery, timeline, writeLsn, replayLsn, streaming,
                upstream, timelineStartLsn, activity, lastFailure, failedActivity, downSinceMillis, serverVersion,
                probeError, null, null, false, Failures.NONE);
    }

    /** Running and not in recovery: accepts writes. */
    public boolean isWritablePrimary() {
        return running && !inRecovery;
    }

    public boolean isRunningReplica() {
        return running && inRecovery;
    }

    /** This probe with the facts only the agent knows: its background job, last failure, down time. */
    public LocalPgState withAgentFacts(Activity job, String failure, Activity failedJob, long downSince) {
        return new LocalPgState(hasDataDirectory, systemId, controlState, running, inRecovery, timeline, writeLsn,
                replayLsn, streaming, upstream, timelineStartLsn, job, failure, failedJob, downSince, serverVersion,
                probeError, replayTimestampMillis, timelineStartReason, watchdogUnusable, failures, timelineOrigin,
                replayPaused);
    }

    /** This state with the agent's watchdog fact (see {@code watchdogUnusable}). */
    public LocalPgState withWatchdogUnusable(boolean unusable) {
        return new LocalPgState(hasDataDirectory, systemId, controlState, running, inRecovery, timeline, writeLsn,
                replayLsn, streaming, upstream, timelineStartLsn, activity, lastFailure, failedActivity, downSinceMillis,
                serverVersion, probeError, replayTimestampMillis, timelineStartReason, unusable, failures, timelineOrigin,
                replayPaused);
    }

    /** This state with the agent's failure counts. */
    public LocalPgState withFailures(Failures counts) {
        return new LocalPgState(hasDataDirectory, systemId, controlState, running, inRecovery, timeline, writeLsn,
                replayLsn, streaming, upstream, timelineStartLsn, activity, lastFailure, failedActivity,
                downSinceMillis, serverVersion, probeError, replayTimestampMillis, timelineStartReason, watchdogUnusable,
                counts, timelineOrigin, replayPaused);
    }

    /** This state with the origin of its timeline as the agent knows it (null: unknown). */
    public LocalPgState withTimelineOrigin(TimelineOrigin origin) {
        return new LocalPgState(hasDataDirectory, systemId, controlState, running, inRecovery, timeline, writeLsn,
                replayLsn, streaming, upstream, timelineStartLsn, activity, lastFailure, failedActivity,
                downSinceMillis, serverVersion, probeError, replayTimestampMillis, timelineStartReason, watchdogUnusable,
                failures, origin, replayPaused);
    }

    /** Patroni's state text for this member ("running", "creating replica", "stopped", ...). */
    public String stateText() {
        return switch (activity) {
            case INITDB -> "initializing new cluster";
            case CLONING -> "creating replica";
            case STARTING -> "starting";
            case STOPPING -> "stopping";
            case PROMOTING -> "promoting";
            case REWINDING -> "running pg_rewind";
            case REMOVING_DATA -> "removing data directory";
            case NONE -> running ? "running" : failedActivity == Activity.STARTING ? "start failed" : "stopped";
        };
    }

    public static LocalPgState empty() {
        return new LocalPgState(false, null, ControlState.UNKNOWN, false, false, 0, Lsn.ZERO, Lsn.ZERO, false,
                null, null, Activity.NONE, null, Activity.NONE, -1, 0, null);
    }
}
