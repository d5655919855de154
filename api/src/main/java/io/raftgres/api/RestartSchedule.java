package io.raftgres.api;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The {@code schedule} of {@code POST /restart}: an ISO 8601 time with a zone, in the future.
 * Patroni's codes and texts: 400 without a zone, 422 unparseable or in the past.
 */
final class RestartSchedule {

    /** A refused schedule: the HTTP status and the sentence. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private RestartSchedule() {
    }

    /** The schedule as epoch milliseconds; throws {@link Refused} with Patroni's code and text. */
    static long parse(Object value, long nowMillis) {
        if (!(value instanceof String text)) {
            throw new Refused(400, "schedule: must be a text such as 2026-12-05T10:00:00+00:00");
        }
        long at;
        try {
            at = OffsetDateTime.parse(text.trim().replace(' ', 'T')).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            if (withoutZone(text)) {
                throw new Refused(400, "Timezone information is mandatory for the scheduled restart");
            }
            throw new Refused(422, "Unable to parse scheduled timestamp. It should be in an unambiguous format,"
                    + " e.g. ISO 8601");
        }
        if (at <= nowMillis) {
            throw new Refused(422, "Can't schedule restart in the past");
        }
        return at;
    }

    private static boolean withoutZone(String text) {
        try {
            LocalDateTime.parse(text.trim().replace(' ', 'T'));
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
