package io.raftgres.core.model;

import java.util.Locale;
import java.util.Optional;

/**
 * Patroni's {@code synchronous_mode}: who must confirm a commit besides the primary (and the lease
 * gate, when it is on).
 */
public enum SyncMode {
    /** Asynchronous replication: no replica confirms commits. */
    OFF,
    /** {@code FIRST n}: the n chosen synchronous standbys all confirm every commit. */
    ON,
    /** {@code ANY n}: any n of the voters confirm every commit. */
    QUORUM;

    /** The YAML/JSON spelling: off, on, quorum. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses off/on/quorum (also Patroni's booleans: true is on, false is off). */
    public static Optional<SyncMode> parse(Object value) {
        if (value instanceof Boolean b) {
            return Optional.of(b ? ON : OFF);
        }
        if (value instanceof String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "off", "false" -> Optional.of(OFF);
                case "on", "true" -> Optional.of(ON);
                case "quorum" -> Optional.of(QUORUM);
                default -> Optional.empty();
            };
        }
        return Optional.empty();
    }
}
