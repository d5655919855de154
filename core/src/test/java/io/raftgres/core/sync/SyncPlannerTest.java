package io.raftgres.core.sync;

import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.Lsn;
import io.raftgres.core.model.SyncMode;
import io.raftgres.core.model.SyncSettings;
import io.raftgres.core.model.SyncState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decider table for the synchronous planner: one case per {@link SyncReason}, and the ordering rules
 * (on: enter PostgreSQL's list before the published set, leave the published set first; quorum:
 * widen the published voters and lower the quorum before PostgreSQL's list changes). The ordering
 * cases were shown to fail by swapping the PUBLISH_BEFORE_APPLY and APPLY branches in {@code on()}.
 */
class SyncPlannerTest {

    private static final long TERM = 7;
    private static final Lsn AT = Lsn.parse("0/5000000");
    private static final Set<String> ALL = Set.of("n2", "n3");

    private static SyncSettings on(int n, boolean strict) {
        return new SyncSettings(SyncMode.ON, strict, n);
    }

    private static SyncSettings quorum(int n) {
        return new SyncSettings(SyncMode.QUORUM, false, n);
    }

    private static ReplicaRow row(String name, String state, String flush) {
        return new ReplicaRow(name, true, state, Lsn.parse(flush));
    }

    private static SyncState mine(SyncMode mode, List<String> members, int q) {
        return new SyncState("n1", TERM, mode, members, q);
    }

    private static SyncInput in(SyncSettings s, SyncState published, StandbyNames pg, Lsn appliedAt,
                                List<ReplicaRow> rows) {
        return new SyncInput("n1", TERM, true, false, FeatureLevel.SYNC_REPLICATION, s, true, published,
                Optional.ofNullable(pg), appliedAt, rows, ALL);
    }

    private static StandbyNames first(String... names) {
        return new StandbyNames(SyncMode.ON, List.of(names), names.length, true);
    }

    @Test
    void notPrimaryDoesNothing() {
        SyncInput base = in(on(1, false), null, null, null, List.of());
        SyncInput replica = new SyncInput("n1", TERM, false, true, base.featureLevel(), base.settings(), true, null,
                Optional.empty(), null, List.of(), ALL);
        assertEquals(SyncReason.NOT_PRIMARY, SyncPlanner.plan(replica).reason());
    }

    private static SyncInput gatelessReplica(SyncSettings s, StandbyNames pg) {
        return new SyncInput("n2", TERM, false, true, FeatureLevel.SYNC_REPLICATION, s, false, null,
                Optional.ofNullable(pg), null, List.of(), ALL);
    }

    /**
     * Without the gate a standby holds a list no standby matches, so once promoted it acknowledges
     * nothing before it published (the gap {@code SyncSimulationTest} found: seeds 196, 252, 334 of
     * 1..500 lost acknowledged commits in on mode without this step).
     */
    @Test
    void aStandbyWithoutTheGateHoldsItsCommitsUntilItPublishes() {
        SyncStep step = SyncPlanner.plan(gatelessReplica(on(1, false), StandbyNames.async(false)));
        assertEquals(SyncReason.REPLICA_HOLD, step.reason());
        assertEquals("FIRST 1 (raftgres_no_sync_standby)", step.apply().orElseThrow().render());
        assertTrue(step.publish().isEmpty());
        SyncStep inherited = SyncPlanner.plan(gatelessReplica(quorum(1),
                new StandbyNames(SyncMode.QUORUM, List.of("n1", "n3"), 1, false)));
        assertEquals(StandbyNames.hold(), inherited.apply().orElseThrow());
        SyncStep held = SyncPlanner.plan(gatelessReplica(on(1, false), StandbyNames.hold()));
        assertEquals(SyncReason.REPLICA_HOLD, held.reason());
        assertTrue(held.apply().isEmpty() && held.publish().isEmpty());
    }

    @Test
    void aStandbyWithoutTheGateDropsItsHoldInOffModeAndAGatedOneIsLeftAlone() {
        SyncStep off = SyncPlanner.plan(gatelessReplica(SyncSettings.OFF, StandbyNames.hold()));
        assertEquals(StandbyNames.async(false), off.apply().orElseThrow());
        assertEquals(SyncReason.NOT_PRIMARY, SyncPlanner.plan(gatelessReplica(SyncSettings.OFF,
                StandbyNames.async(false))).reason());
        SyncInput gated = new SyncInput("n2", TERM, false, true, FeatureLevel.SYNC_REPLICATION, on(1, false), true,
                null, Optional.of(StandbyNames.async(true)), null, List.of(), ALL);
        assertEquals(SyncReason.NOT_PRIMARY, SyncPlanner.plan(gated).reason());
    }

    @Test
    void aPromotedStandbyKeepsItsHoldUntilItPublished() {
        SyncInput promoted = new SyncInput("n2", TERM, true, false, FeatureLevel.SYNC_REPLICATION, on(1, false), false,
                new SyncState("n1", TERM - 1, SyncMode.ON, List.of("n2"), 1), Optional.of(StandbyNames.hold()), null,
                List.of(row("n3", "async", "0/5000000")), ALL);
        SyncStep step = SyncPlanner.plan(promoted);
        assertEquals(SyncReason.CLAIM, step.reason());
        assertTrue(step.apply().isEmpty(), "the hold must stay until the claim is published");
    }

    @Test
    void belowLevelFiveKeepsTheGateAlone() {
        SyncInput old = new SyncInput("n1", TERM, true, false, 3, on(1, false), true, null, Optional.empty(), null,
                List.of(), ALL);
        SyncStep step = SyncPlanner.plan(old);
        assertEquals(SyncReason.FEATURE_LEVEL_TOO_LOW, step.reason());
        assertEquals("FIRST 1 (raftgres_gate)", step.apply().orElseThrow().render());
        assertTrue(step.publish().isEmpty());
    }

    @Test
    void offResetsTheListThenRemovesThePublishedState() {
        SyncSettings off = SyncSettings.OFF;
        SyncStep first = SyncPlanner.plan(in(off, mine(SyncMode.ON, List.of("n2"), 1), first("n2"), AT, List.of()));
        assertEquals(SyncReason.OFF_APPLY, first.reason());
        assertEquals(StandbyNames.async(true), first.apply().orElseThrow());
        SyncStep second = SyncPlanner.plan(in(off, mine(SyncMode.ON, List.of("n2"), 1), StandbyNames.async(true), AT,
                List.of()));
        assertEquals(SyncReason.OFF_CLEAR_PUBLISHED, second.reason());
        assertNull(second.publish().orElseThrow().state());
        assertEquals(SyncReason.OFF_STEADY,
                SyncPlanner.plan(in(off, null, StandbyNames.async(true), null, List.of())).reason());
    }

    @Test
    void aNewTermStartsWithAnEmptySet() {
        SyncState old = new SyncState("n2", TERM - 1, SyncMode.ON, List.of("n1"), 1);
        SyncStep step = SyncPlanner.plan(in(on(1, false), old, first("n1"), null, List.of(row("n2", "async", "0/1"))));
        assertEquals(SyncReason.CLAIM, step.reason());
        assertEquals(mine(SyncMode.ON, List.of(), 0), step.publish().orElseThrow().state());
        assertTrue(step.apply().isEmpty());
    }

    @Test
    void onEntersPostgresBeforeThePublishedSet() {
        List<ReplicaRow> rows = List.of(row("n2", "async", "0/4000000"), row("n3", "async", "0/3000000"));
        SyncStep apply = SyncPlanner.plan(in(on(1, false), mine(SyncMode.ON, List.of(), 0), StandbyNames.async(true),
                null, rows));
        assertEquals(SyncReason.APPLY, apply.reason());
        assertEquals("FIRST 2 (raftgres_gate, n2)", apply.apply().orElseThrow().render(), "most advanced first");
        assertTrue(apply.publish().isEmpty());

        List<ReplicaRow> behind = List.of(row("n2", "sync", "0/4FFFFFF"), row("n3", "async", "0/3000000"));
        SyncStep wait = SyncPlanner.plan(in(on(1, false), mine(SyncMode.ON, List.of(), 0), first("n2"), AT, behind));
        assertEquals(SyncReason.WAIT_CONFIRMATION, wait.reason(), "not yet flushed up to the position at apply");

        List<ReplicaRow> caughtUp = List.of(row("n2", "sync", "0/5000000"), row("n3", "async", "0/3000000"));
        SyncStep publish = SyncPlanner.plan(in(on(1, false), mine(SyncMode.ON, List.of(), 0), first("n2"), AT,
                caughtUp));
        assertEquals(SyncReason.PUBLISH_CONFIRMED, publish.reason());
        assertEquals(List.of("n2"), publish.publish().orElseThrow().state().members());

        assertEquals(SyncReason.STEADY, SyncPlanner.plan(in(on(1, false), mine(SyncMode.ON, List.of("n2"), 1),
                first("n2"), AT, caughtUp)).reason());
    }

    @Test
    void onLeavesThePublishedSetBeforePostgres() {
        // n2 stopped streaming: n3 replaces it, but n2 leaves the published set first.
        List<ReplicaRow> rows = List.of(row("n3", "async", "0/3000000"));
        SyncStep step = SyncPlanner.plan(in(on(1, false), mine(SyncMode.ON, List.of("n2"), 1), first("n2"), AT, rows));
        assertEquals(SyncReason.PUBLISH_BEFORE_APPLY, step.reason());
        assertEquals(List.of(), step.publish().orElseThrow().state().members());
        assertTrue(step.apply().isEmpty());
        SyncStep next = SyncPlanner.plan(in(on(1, false), mine(SyncMode.ON, List.of(), 0), first("n2"), AT, rows));
        assertEquals(SyncReason.APPLY, next.reason());
        assertEquals(List.of("n3"), next.apply().orElseThrow().replicas());
    }

    @Test
    void aHealthyCurrentStandbyIsKeptEvenWhenAnotherIsAhead() {
        List<ReplicaRow> rows = List.of(row("n2", "sync", "0/5000000"), row("n3", "async", "0/6000000"));
        assertEquals(SyncReason.STEADY, SyncPlanner.plan(in(on(1, false), mine(SyncMode.ON, List.of("n2"), 1),
                first("n2"), AT, rows)).reason());
    }

    @Test
    void nosyncOrSilentMembersAreNeverChosen() {
        SyncInput only3 = new SyncInput("n1", TERM, true, false, FeatureLevel.SYNC_REPLICATION, on(2, false), true,
                mine(SyncMode.ON, List.of(), 0), Optional.of(StandbyNames.async(true)), null,
                List.of(row("n2", "async", "0/9000000"), row("n3", "async", "0/1")), Set.of("n3"));
        assertEquals(List.of("n3"), SyncPlanner.plan(only3).apply().orElseThrow().replicas());
    }

    @Test
    void nonStrictFallsBackToAsynchronousAndSaysSo() {
        SyncStep empty = SyncPlanner.plan(in(on(1, false), mine(SyncMode.ON, List.of("n2"), 1), first("n2"), AT,
                List.of()));
        assertEquals(SyncReason.FALLBACK_ASYNC, empty.reason());
        assertTrue(empty.async());
        assertEquals(List.of(), empty.publish().orElseThrow().state().members(), "published set emptied first");
        SyncStep reset = SyncPlanner.plan(in(on(1, false), mine(SyncMode.ON, List.of(), 0), first("n2"), AT,
                List.of()));
        assertEquals(StandbyNames.async(true), reset.apply().orElseThrow());
        SyncStep steady = SyncPlanner.plan(in(on(1, false), mine(SyncMode.ON, List.of(), 0), StandbyNames.async(true),
                AT, List.of()));
        assertEquals(SyncReason.FALLBACK_ASYNC, steady.reason());
        assertTrue(steady.async() && steady.sentence().contains("asynchronous"));
    }

    @Test
    void strictKeepsTheLastStandbyOrAPlaceholder() {
        SyncStep keep = SyncPlanner.plan(in(on(1, true), mine(SyncMode.ON, List.of("n2"), 1), first("n2"), AT,
                List.of()));
        assertEquals(SyncReason.STRICT_BLOCKED, keep.reason());
        assertTrue(keep.apply().isEmpty() && keep.publish().isEmpty());
        assertFalse(keep.async());
        SyncStep placeholder = SyncPlanner.plan(in(on(1, true), mine(SyncMode.ON, List.of(), 0),
                StandbyNames.async(true), AT, List.of()));
        assertEquals("FIRST 2 (raftgres_gate, raftgres_no_sync_standby)",
                placeholder.apply().orElseThrow().render());
    }

    @Test
    void quorumWidensThePublishedVotersBeforePostgres() {
        // Published: n2 alone with quorum 1. n3 joins: publish {n2, n3} q=1 first, then ANY.
        List<ReplicaRow> rows = List.of(row("n2", "quorum", "0/5000000"), row("n3", "async", "0/4000000"));
        StandbyNames only2 = new StandbyNames(SyncMode.QUORUM, List.of("n2"), 1, true);
        SyncStep widen = SyncPlanner.plan(in(quorum(1), mine(SyncMode.QUORUM, List.of("n2"), 1), only2, AT, rows));
        assertEquals(SyncReason.PUBLISH_BEFORE_APPLY, widen.reason());
        assertEquals(List.of("n2", "n3"), widen.publish().orElseThrow().state().members());
        assertEquals(1, widen.publish().orElseThrow().state().quorum());
        SyncStep apply = SyncPlanner.plan(in(quorum(1), mine(SyncMode.QUORUM, List.of("n2", "n3"), 1), only2, AT,
                rows));
        assertEquals("ANY 2 (raftgres_gate, n2, n3)", apply.apply().orElseThrow().render());
        StandbyNames both = apply.apply().orElseThrow();
        assertEquals(SyncReason.STEADY, SyncPlanner.plan(in(quorum(1), mine(SyncMode.QUORUM, List.of("n2", "n3"), 1),
                both, AT, rows)).reason());
    }

    @Test
    void quorumPublishesOnlyAfterEnoughVotersConfirmed() {
        StandbyNames both = new StandbyNames(SyncMode.QUORUM, List.of("n2", "n3"), 2, true);
        List<ReplicaRow> one = List.of(row("n2", "quorum", "0/5000000"), row("n3", "quorum", "0/4000000"));
        SyncState claimed = mine(SyncMode.QUORUM, List.of(), 0);
        assertEquals(SyncReason.WAIT_CONFIRMATION,
                SyncPlanner.plan(in(quorum(2), claimed, both, AT, one)).reason());
        List<ReplicaRow> two = List.of(row("n2", "quorum", "0/5000000"), row("n3", "quorum", "0/5000010"));
        SyncStep step = SyncPlanner.plan(in(quorum(2), claimed, both, AT, two));
        assertEquals(SyncReason.PUBLISH_CONFIRMED, step.reason());
        assertEquals(2, step.publish().orElseThrow().state().quorum());
    }

    @Test
    void quorumLowersThePublishedQuorumBeforePostgres() {
        // n3 stops: ANY 2 of {n2, n3} becomes ANY 1 of {n2}; the published quorum drops to 1 first.
        StandbyNames both = new StandbyNames(SyncMode.QUORUM, List.of("n2", "n3"), 2, true);
        SyncStep step = SyncPlanner.plan(in(quorum(2), mine(SyncMode.QUORUM, List.of("n2", "n3"), 2), both, AT,
                List.of(row("n2", "quorum", "0/5000000"))));
        assertEquals(SyncReason.PUBLISH_BEFORE_APPLY, step.reason());
        SyncState before = step.publish().orElseThrow().state();
        assertEquals(List.of("n2", "n3"), before.members());
        assertEquals(1, before.quorum());
    }

    @Test
    void renderedNamesParseBack() {
        for (StandbyNames n : List.of(StandbyNames.async(true), StandbyNames.async(false), first("n2"),
                new StandbyNames(SyncMode.QUORUM, List.of("n2", "Node-3"), 1, true),
                new StandbyNames(SyncMode.ON, List.of("n2"), 1, false))) {
            assertEquals(Optional.of(n), StandbyNames.parse(n.render()), n.render());
        }
        assertEquals(Optional.empty(), StandbyNames.parse("ANY 1 (n1, n2, n3)").filter(x -> x.gate()));
        assertEquals(Optional.empty(), StandbyNames.parse("FIRST 1 (n2, n3)"), "a user's value, not ours");
    }
}
