package io.raftgres.agent;

import io.raftgres.core.spi.VipControl;

import java.util.function.BooleanSupplier;

/**
 * A {@link VipControl} that remembers what its last add, remove or presence check found, so
 * {@code raftgres_vip_held} can be read on a REST thread without running {@code ip}. The value
 * is the agent's belief: a VIP the kernel expired by its lifetime (a frozen agent) or that a
 * late renewal removed inside the adapter shows as held until the next check or remove.
 * Every call goes to the wrapped control unchanged; this class never blocks or alters one.
 */
final class ObservedVip implements VipControl {
    private final VipControl vip;
    private volatile boolean held;

    ObservedVip(VipControl vip) {
        this.vip = vip;
    }

    /** Whether the VIP was on this host at the last add, remove or check. */
    boolean lastSeenHeld() {
        return held;
    }

    @Override
    public boolean isPresent() {
        boolean present = vip.isPresent();
        held = present;
        return present;
    }

    @Override
    public boolean add() {
        boolean added = vip.add();
        if (added) {
            held = true;
        }
        return added;
    }

    @Override
    public boolean remove() {
        boolean removed = vip.remove();
        if (removed) {
            held = false;
        }
        return removed;
    }

    @Override
    public boolean refresh(BooleanSupplier stillHolds) {
        return vip.refresh(stillHolds);
    }
}
