package io.raftgres.core.model;

/**
 * An operation an operator asked this member for through the REST API, and the step it has
 * reached. The REST thread only records it; the HA loop advances the step from what it observes
 * and the decider turns the step into actions, so every PostgreSQL call stays on the HA loop's
 * path (fence first, one background job at a time). Local to this member, not replicated: an
 * agent restart forgets it, as PostgreSQL's own restart would end it anyway.
 *
 * @param kind what was asked
 * @param step where it stands
 */
public record OperatorRequest(Kind kind, Step step) {

    public enum Kind {
        /** Stop PostgreSQL (fast) and start it again in its role. */
        RESTART,
        /** Replica only: stop, remove the data directory, clone from the primary, start. */
        REINITIALIZE
    }

    public enum Step {
        STOP, REMOVE, CLONE, START;

        /** The background activity this step runs (its failures end the request). */
        public Activity activity() {
            return switch (this) {
                case STOP -> Activity.STOPPING;
                case REMOVE -> Activity.REMOVING_DATA;
                case CLONE -> Activity.CLONING;
                case START -> Activity.STARTING;
            };
        }
    }

    /** The step after {@code step} for this kind, or null when the request is complete. */
    public Step after(Step current) {
        return switch (current) {
            case STOP -> kind == Kind.RESTART ? Step.START : Step.REMOVE;
            case REMOVE -> Step.CLONE;
            case CLONE -> Step.START;
            case START -> null;
        };
    }

    /** Patroni's name of the operation, for messages ("restart", "reinitialize"). */
    public String label() {
        return kind == Kind.RESTART ? "restart" : "reinitialize";
    }
}
