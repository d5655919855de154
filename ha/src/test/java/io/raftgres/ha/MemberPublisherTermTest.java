package io.raftgres.ha;

import io.raftgres.core.model.ClusterState;
import io.raftgres.core.model.DynamicConfig;
import io.raftgres.core.model.FeatureLevel;
import io.raftgres.core.model.LocalPgState;
import io.raftgres.core.model.MemberTags;
import io.raftgres.core.model.RaftRole;
import io.raftgres.core.model.RaftView;
import io.raftgres.statemachine.ApplyResult;
import io.raftgres.statemachine.Command;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A survivor publishes its record in a new term at once, although its publication of the previous
 * term is still in flight (after the leader died it waits for that dead leader, or lands in the new term
 * and is rejected as stale). The new leader waits for that record before it takes over.
 *
 * <p>Shown to fail: with the previous single in-flight flag, the publication in term 2 was not submitted
 * until the one of term 1 had ended ({@code newTermDoesNotWaitForThePreviousTermsPublication}: 1 submission,
 * not 2); in the demo bench the record then reached the new leader ~1.2 s after its lease.
 */
class MemberPublisherTermTest {

    private static final AgentIdentity ME = new AgentIdentity("demo", "n1", "http://127.0.0.1:8008",
            "127.0.0.1:5010", "127.0.0.1", 5433, MemberTags.DEFAULT, DynamicConfig.DEFAULT, "test");

    private final Unanswered store = new Unanswered();
    private final MemberPublisher publisher = new MemberPublisher(ME, store, () -> false, Clock.SYSTEM);

    @Test
    void newTermDoesNotWaitForThePreviousTermsPublication() {
        publisher.maybePublish(LocalPgState.empty(), follower(1), 0);
        publisher.maybePublish(LocalPgState.empty(), follower(1), 100);
        assertEquals(List.of(1L), terms(), "one publication in flight per term");

        publisher.maybePublish(LocalPgState.empty(), follower(2), 200);
        assertEquals(List.of(1L, 2L), terms(), "the new term publishes while term 1's publication still waits");
    }

    @Test
    void theOlderPublicationEndingDoesNotReleaseTheNewTermsGuard() {
        publisher.maybePublish(LocalPgState.empty(), follower(1), 0);
        publisher.maybePublish(LocalPgState.empty(), follower(2), 100);
        store.answers.get(0).completeExceptionally(new IllegalStateException("could not reach the Raft leader"));

        publisher.maybePublish(LocalPgState.empty(), follower(2), 200);
        assertEquals(List.of(1L, 2L), terms(), "term 2's publication is still in flight: no second one");

        store.answers.get(1).completeExceptionally(new IllegalStateException("not committed within 3000 ms"));
        publisher.maybePublish(LocalPgState.empty(), follower(2), 300);
        assertEquals(List.of(1L, 2L, 2L), terms(), "after term 2's own failure the next cycle publishes again");
    }

    @Test
    void aNewTermPublishesEvenWhenTheOlderPublicationSucceededMeanwhile() {
        publisher.maybePublish(LocalPgState.empty(), follower(1), 0);
        publisher.maybePublish(LocalPgState.empty(), follower(2), 100);
        store.answers.get(0).complete(new ApplyResult(store.state(), true, null));
        store.answers.get(1).complete(new ApplyResult(store.state(), true, null));
        store.published = store.published.withMember(
                publisher.record(LocalPgState.empty()).withTerm(2));

        publisher.maybePublish(LocalPgState.empty(), follower(2), 200);
        assertEquals(List.of(1L, 2L), terms(), "term 2's record is stored and unchanged: nothing to publish");
    }

    /** Below STRICT_APPLY a record appended in a later term is accepted: the older one could overwrite the newer. */
    @Test
    void belowStrictApplyTheNewTermStillWaits() {
        store.published = ClusterState.empty("demo");
        publisher.maybePublish(LocalPgState.empty(), follower(1), 0);
        publisher.maybePublish(LocalPgState.empty(), follower(2), 100);
        assertEquals(List.of(1L), terms(), "feature level 1: term 1's publication ends first");

        store.answers.get(0).completeExceptionally(new IllegalStateException("could not reach the Raft leader"));
        publisher.maybePublish(LocalPgState.empty(), follower(2), 200);
        assertEquals(List.of(1L, 2L), terms(), "then the next cycle publishes in term 2");
    }

    private List<Long> terms() {
        return store.submitted.stream().map(c -> ((Command.PublishMember) c).term()).toList();
    }

    private static RaftView follower(long term) {
        return new RaftView(term, RaftRole.FOLLOWER, "n2", false, false, -1, true);
    }

    /** Records submissions; the test answers them. */
    private static final class Unanswered implements ClusterStore {
        final List<Command> submitted = new ArrayList<>();
        final List<CompletableFuture<ApplyResult>> answers = new ArrayList<>();
        ClusterState published = ClusterState.empty("demo").withFeatureLevel(FeatureLevel.LATEST);

        @Override public ClusterState state() {
            return published;
        }

        @Override public RaftView view() {
            throw new UnsupportedOperationException();
        }

        @Override public CompletableFuture<ApplyResult> submit(Command command) {
            submitted.add(command);
            CompletableFuture<ApplyResult> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }

        @Override public CompletableFuture<Void> transferLeadership(String raftAddress, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override public void addListener(Runnable listener) {
        }
    }
}
