package io.raftgres.core.model;

/**
 * A PostgreSQL WAL position (pg_lsn) as an unsigned 64-bit byte offset.
 * Text form is PostgreSQL's {@code X/Y} (two hex halves).
 */
public record Lsn(long value) implements Comparable<Lsn> {
    public static final Lsn ZERO = new Lsn(0);

    /** Parses {@code X/Y}; throws IllegalArgumentException naming the bad text. */
    public static Lsn parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("not a WAL position (expected X/Y): " + text);
        }
        try {
            long hi = Long.parseUnsignedLong(text.substring(0, slash), 16);
            long lo = Long.parseUnsignedLong(text.substring(slash + 1), 16);
            if (hi > 0xFFFFFFFFL || lo > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("not a WAL position (halves exceed 32 bits): " + text);
            }
            return new Lsn((hi << 32) | lo);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a WAL position (expected hex X/Y): " + text, e);
        }
    }

    public boolean isAfter(Lsn other) {
        return Long.compareUnsigned(value, other.value) > 0;
    }

    /** Bytes this position is behind {@code ahead}; zero when it is not behind. */
    public long lagBehind(Lsn ahead) {
        return ahead.isAfter(this) ? ahead.value - value : 0;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}
