package io.raftgres.ctl;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * {@code --scheduled} times: ISO 8601 with an offset ({@code 2026-12-05T03:00+00:00}), or without
 * one meaning this machine's time zone, as patronictl reads them; {@code now} (or empty) means at
 * once. The REST API gets them with an explicit offset, as Patroni demands.
 */
final class Schedule {

    private Schedule() {
    }

    /** The ISO timestamp to send, or null for now. */
    static String parse(String text, ZoneId zone) {
        if (text == null || text.isBlank() || text.strip().equalsIgnoreCase("now")) {
            return null;
        }
        String t = text.strip().replace(' ', 'T');
        try {
            return OffsetDateTime.parse(t).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(t).atZone(zone).toOffsetDateTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            } catch (DateTimeParseException e) {
                throw CtlException.usage("'" + text + "' is not a time like 2026-12-05T03:00 or 2026-12-05T03:00+01:00"
                        + " (or now)");
            }
        }
    }

    /** An example for the prompt: an hour from now, in this machine's zone. */
    static String example(ZoneId zone) {
        return LocalDateTime.now(zone).plusHours(1).truncatedTo(ChronoUnit.MINUTES).toString();
    }
}
