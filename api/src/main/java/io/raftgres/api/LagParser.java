package io.raftgres.api;

import java.util.Locale;

/**
 * Parses the {@code lag} query parameter of replica health checks: a byte count, optionally
 * with one of PostgreSQL's memory units (base 1024) as Patroni accepts them: {@code 1048576},
 * {@code 16kB}, {@code 64MB}, {@code 1GB}, {@code 1TB}, {@code 512B}. Units are matched
 * case-insensitively. Stateless; safe from any thread.
 */
final class LagParser {

    private static final String EXPECTED = "a non-negative byte count, optionally with a unit (B, kB, MB, GB, TB)";

    private LagParser() {
    }

    /**
     * Bytes denoted by {@code text}.
     *
     * @throws InvalidQueryException naming {@code parameter} when the text is not a size or overflows
     */
    static long parse(String parameter, String text) {
        String trimmed = text == null ? "" : text.trim();
        int unitStart = 0;
        while (unitStart < trimmed.length() && isAsciiDigit(trimmed.charAt(unitStart))) {
            unitStart++;
        }
        if (unitStart == 0) {
            throw new InvalidQueryException(parameter, text, EXPECTED);
        }
        long multiplier = multiplier(trimmed.substring(unitStart).trim(), parameter, text);
        try {
            return Math.multiplyExact(Long.parseLong(trimmed.substring(0, unitStart)), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidQueryException(parameter, text, "at most " + Long.MAX_VALUE + " bytes");
        }
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static long multiplier(String unit, String parameter, String text) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "kb" -> 1L << 10;
            case "mb" -> 1L << 20;
            case "gb" -> 1L << 30;
            case "tb" -> 1L << 40;
            default -> throw new InvalidQueryException(parameter, text, EXPECTED);
        };
    }
}
