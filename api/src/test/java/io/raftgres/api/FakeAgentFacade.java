package io.raftgres.api;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link AgentFacade} whose snapshot a test sets directly, standing in for the agent's HA
 * loop. Thread-safe: tests write from the JUnit thread while Netty threads read.
 */
final class FakeAgentFacade implements AgentFacade {

    private volatile StatusSnapshot snapshot;
    private final AtomicInteger calls = new AtomicInteger();

    FakeAgentFacade(StatusSnapshot initial) {
        this.snapshot = initial;
    }

    void set(StatusSnapshot next) {
        this.snapshot = next;
    }

    /** How many times the API asked for a snapshot. */
    int calls() {
        return calls.get();
    }

    @Override
    public StatusSnapshot snapshot() {
        calls.incrementAndGet();
        return snapshot;
    }
}
