package io.raftgres.testkit;

import io.raftgres.core.spi.VipControl;

/**
 * A floating IP that is just a flag on one host. {@link #setFailing} makes {@link #add} fail
 * (as a missing capability would); removal never fails, as the port promises for demotions.
 *
 * <p>Threading: single-threaded.
 */
public final class FakeVip implements VipControl {

    private boolean present;
    private boolean failing;
    private int adds;

    @Override
    public boolean isPresent() {
        return present;
    }

    @Override
    public boolean add() {
        if (failing) {
            return false;
        }
        present = true;
        adds++;
        return true;
    }

    @Override
    public boolean remove() {
        present = false;
        return true;
    }

    @Override
    public boolean refresh(java.util.function.BooleanSupplier stillHolds) {
        return true;
    }

    public void setFailing(boolean failing) {
        this.failing = failing;
    }

    /** Successful adds so far (re-adding a present VIP counts: it repeats the ARP announcement). */
    public int adds() {
        return adds;
    }
}
