package io.raftgres.core.spi;

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
     * Extends the VIP's kernel lifetime, if it has one, while this member holds it. Called only
     * while the lease is valid (by the lease guard, like a watchdog keepalive), never blocks (the
     * renewal may run on another thread), and rate-limits itself; false when an earlier renewal
     * is still in flight.
     */
    boolean refresh();

    /** A VipControl for members without a VIP configured. */
    VipControl NONE = new VipControl() {
        @Override public boolean isPresent() { return false; }
        @Override public boolean add() { return true; }
        @Override public boolean remove() { return true; }
        @Override public boolean refresh() { return true; }
    };
}
