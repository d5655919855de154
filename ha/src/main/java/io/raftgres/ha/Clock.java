package io.raftgres.ha;

/**
 * Time as the agent reads it. The HA shell reads no clock of its own: the agent passes
 * {@link #SYSTEM}, the simulation its seeded event clock, so both run the same code.
 *
 * <p>{@link #monotonicMillis()} is for every duration and deadline (leases, timeouts, "down
 * since"); {@link #wallMillis()} only for timestamps people read (member records, the REST
 * API's "last cycle", timeline history).
 */
public interface Clock {
    /** Milliseconds on a clock that never jumps; only differences mean anything. */
    long monotonicMillis();

    /** Milliseconds since the Unix epoch, as the host's clock says. */
    long wallMillis();

    /** {@link System#nanoTime()} and {@link System#currentTimeMillis()}. */
    Clock SYSTEM = new Clock() {
        @Override
        public long monotonicMillis() {
            return System.nanoTime() / 1_000_000;
        }

        @Override
        public long wallMillis() {
            return System.currentTimeMillis();
        }
    };
}
