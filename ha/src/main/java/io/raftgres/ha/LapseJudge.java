package io.raftgres.ha;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.LeaderRecord;
import io.raftgres.core.model.RaftView;
import io.raftgres.core.timing.LapseRule;
import io.raftgres.core.timing.LapseRule.Verdict;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Applies the {@link LapseRule} to this member's current facts, for the lease guard and the HA loop
 * alike (one rule, one place): whether a lapse of the lease must fence now or, with the lease gate in
 * effect, only keeps the gate closed until its deadline. Reads the store and the clock; never blocks.
 */
public final class LapseJudge {

    private final String member;
    private final ClusterStore store;
    private final LapseRule rule;
    private final BooleanSupplier gateInEffect;
    private final Clock clock;

    /**
     * @param gateInEffect whether PostgreSQL requires the lease gate for every commit right now; a judge for
     *                     an agent without the gate passes {@code () -> false}, so every lapse fences at once
     */
    public LapseJudge(String member, ClusterStore store, LapseRule rule, BooleanSupplier gateInEffect, Clock clock) {
        this.member = Objects.requireNonNull(member, "member");
        this.store = Objects.requireNonNull(store, "store");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.gateInEffect = Objects.requireNonNull(gateInEffect, "gateInEffect");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The verdict for this instant. */
    public Verdict now() {
        RaftView view = store.view();
        ClusterState state = store.state();
        LeaderRecord leader = state.leader();
        boolean mine = state.primaryKeyHeldBy(member);
        boolean another = leader != null && !member.equals(leader.member());
        return rule.judge(view.isLeaderWithLease() && mine, store.lastLeaseGrant(), view.term(), another,
                gateInEffect.getAsBoolean(), clock.monotonicMillis());
    }
}
