package io.raftgres.api;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Timestamps in the text forms Patroni clients parse, always in UTC. Stateless; the
 * formatters are immutable and thread-safe.
 */
final class TimeText {

    /** PostgreSQL's timestamptz output, as {@code postmaster_start_time} shows it. */
    private static final DateTimeFormatter POSTGRES =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    /** Python's {@code datetime.isoformat()}, as {@code /history} shows it. */
    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    private TimeText() {
    }

    static String postgres(long epochMillis) {
        return POSTGRES.format(Instant.ofEpochMilli(epochMillis));
    }

    static String iso(long epochMillis) {
        return ISO.format(Instant.ofEpochMilli(epochMillis));
    }
}
