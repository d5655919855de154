package io.raftgres.core.spi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * The port to the floating IP on this host. Implementations never throw on failure of
 * {@code ip}/{@code arping}: they log the tool's output and return false, so a failing VIP
 * command can never block a demotion.
 */
public interface VipControl {
    /** Whether the VIP is configured on this member's interface right now. */
    boolean isPresent();

    /** Adds the VIP and announces it with gratuitous ARP; true on success. */
    boolean add();

    /** Removes the VIP if present; true when it is absent afterwards. */
    boolean remove();

    /**
     * {@link #remove()}, as a stage that completes with its result once the removal ended: the
     * HA loop's executor goes on with a decision (a demotion, a handover) only then. The default
     * runs {@link #remove()} on the caller's thread and returns a completed stage; a port whose
     * removal ends later (the simulation's, in simulated time) completes it then.
     */
    default CompletionStage<Boolean> removal() {
        return CompletableFuture.completedFuture(remove());
    }

    /**
     * Extends the VIP's kernel lifetime, if it has one, while this member holds it. Called only
     * while the lease is valid (by the lease guard, like a watchdog keepalive), never blocks (the
     * renewal may run on another thread), and rate-limits itself; false when an earlier renewal
     * is still in flight.
     *
     * <p>{@code stillHolds} is the caller's "may hold the VIP" rule, evaluated again by the
     * renewal itself immediately before it changes the address and once more after: a renewal
     * that runs late (its thread was frozen with the host, or starved) must not renew, and one
     * that finishes after the lease's end removes the VIP. Linux installs an IPv4 address that a
     * change names when it is absent, so a late renewal would otherwise re-install a VIP the
     * kernel had already expired, beside the new primary's.
     */
    boolean refresh(BooleanSupplier stillHolds);

    /** A VipControl for members without a VIP configured. */
    VipControl NONE = new VipControl() {
        @Override public boolean isPresent() { return false; }
        @Override public boolean add() { return true; }
        @Override public boolean remove() { return true; }
        @Override public boolean refresh(BooleanSupplier stillHolds) { return true; }
    };
}
