package io.raftgres.testkit;

/**
 * A safety invariant failed during a simulation. The message names the rule, the seed, the
 * event number and simulated time, what was wrong, the last events, every node's state, and
 * how to replay the run.
 */
public final class InvariantViolation extends AssertionError {

    private final long seed;
    private final Invariants.Rule rule;
    private final long eventNumber;

    InvariantViolation(long seed, Invariants.Rule rule, long eventNumber, String message) {
        super(message);
        this.seed = seed;
        this.rule = rule;
        this.eventNumber = eventNumber;
    }

    public long seed() {
        return seed;
    }

    public Invariants.Rule rule() {
        return rule;
    }

    public long eventNumber() {
        return eventNumber;
    }
}
