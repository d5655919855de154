package io.raftgres.ha;

import io.raftgres.core.decide.Decision;
import io.raftgres.core.decide.HaAction;
import io.raftgres.core.spi.VipControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * The {@link ActionExecutor}'s VIP steps. Rule: only the leader with a lease holding the leader key
 * keeps the VIP. So an add re-checks that before and after it runs (the decision is a cycle old),
 * a removal is a stage the decision waits for (a demotion never leaves the VIP beside the next
 * primary's), and a decision that does not ask for the VIP removes it when it ends.
 *
 * <p>Threading: call on the HA loop's scheduler; the removal's end is passed back through it.
 * Failed adds and removals are logged by the {@link VipControl} adapter and block nothing.
 */
final class VipSteps {
    /** The executor's lines, as before this class was split off: operators read one source. */
    private static final Logger LOG = LoggerFactory.getLogger(ActionExecutor.class);
    private static final CompletableFuture<Boolean> GO_ON = CompletableFuture.completedFuture(true);

    private final VipControl vip;
    private final BooleanSupplier stillPrimary;
    private final Scheduler loop;

    VipSteps(VipControl vip, BooleanSupplier stillPrimary, Scheduler loop) {
        this.vip = vip;
        this.stillPrimary = stillPrimary;
        this.loop = loop;
    }

    /**
     * The decision is one cycle old: add the VIP only while this member still is the leader with
     * a lease holding the key, and check again after the add (the lease may lapse during it, and
     * a fence that removed the VIP meanwhile must not be undone). A failed add is retried next cycle.
     */
    void add() {
        if (vip.isPresent() || !stillPrimary.getAsBoolean()) {
            return;
        }
        vip.add();
        if (!stillPrimary.getAsBoolean()) {
            LOG.warn("removing the VIP just added: the lease lapsed meanwhile");
            vip.remove();
        }
    }

    /**
     * Completes with true (the decision goes on) once the VIP is gone, on the loop's scheduler; a
     * failed removal never blocks the demotion.
     */
    CompletionStage<Boolean> removed() {
        CompletableFuture<Boolean> removal = vip.removal().toCompletableFuture();
        if (removal.isDone()) {
            return GO_ON;
        }
        CompletableFuture<Boolean> gone = new CompletableFuture<>();
        removal.whenComplete((ok, error) -> loop.execute(() -> gone.complete(true)));
        return gone;
    }

    /** When {@code decision} ended: a member whose decision did not ask for the VIP never keeps it. */
    void removeUnlessAsked(Decision decision) {
        if (!decision.has(HaAction.AddVip.class) && vip.isPresent()) {
            vip.remove();
        }
    }
}
