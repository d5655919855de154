package io.raftgres.api;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * A seeded generator of request bodies that a dynamic-config write endpoint must refuse: every
 * body is malformed JSON, not an object, carries an unknown key or a value of the wrong type or
 * range, is nested deeper than anything valid, or is larger than {@link RestServer#MAX_BODY_BYTES}.
 * No body is a valid change (a {@code null} in a PATCH deletes a key, so nulls are never the only
 * defect). The same seed gives the same bodies, so a failure can be replayed.
 */
final class BadBodies {

    /** One kind of defect: its name and how to make a body with it. */
    record Kind(String name, Function<Random, byte[]> make) {
    }

    private static final List<String> NUMERIC = List.of("loop_wait", "maximum_lag_on_failover", "primary_start_timeout");
    private static final List<String> WRONG_FOR_NUMBER = List.of("\"1\"", "true", "false", "[]", "[1]", "{}",
            "{\"s\": 1}", "\"\"", "-1", "-0.5", "1e999", "99999999999999999999999", "1.5e2000");
    private static final List<String> WRONG_FOR_BOOL = List.of("1", "0", "\"true\"", "\"on\"", "[]", "{}", "2.5", "\"\"");
    private static final String ODD = "{}[],:\"\\ \t\n\u0000\u00e9\u202e\ud83d\ude00x0-e.";

    static final List<Kind> KINDS = List.of(
            new Kind("malformed JSON", BadBodies::malformed),
            new Kind("wrong type or range", BadBodies::wrongType),
            new Kind("unknown key", r -> utf8("{\"" + unicode(r, 1 + r.nextInt(12)) + "_zz\": " + scalar(r) + "}")),
            new Kind("bad parameter", BadBodies::badParameter),
            new Kind("not an object", r -> utf8(List.of("1", "\"text\"", "[]", "[{}]", "null", "true", "-0", "\"\\u0000\"",
                    "[" + scalar(r) + "]").get(r.nextInt(9)))),
            new Kind("deep nesting", BadBodies::deep),
            new Kind("invalid UTF-8", BadBodies::invalidUtf8),
            new Kind("oversized", BadBodies::oversized));

    private BadBodies() {
    }

    private static byte[] malformed(Random r) {
        String base = "{\"zz_fuzz\": " + scalar(r) + ", \"loop_wait\": 2, \"postgresql\": {\"parameters\": "
                + "{\"work_mem\": \"8MB\"}}}";
        StringBuilder s = new StringBuilder(base);
        switch (r.nextInt(3)) {
            case 0 -> s.setLength(r.nextInt(base.length()));
            case 1 -> {
                for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                    s.insert(r.nextInt(s.length() + 1), ODD.charAt(r.nextInt(ODD.length())));
                }
            }
            default -> s.replace(0, s.length(), "{" + "\"".repeat(r.nextInt(3)) + unicode(r, r.nextInt(20)));
        }
        return utf8(s.toString());
    }

    private static byte[] wrongType(Random r) {
        if (r.nextBoolean()) {
            String key = NUMERIC.get(r.nextInt(NUMERIC.size()));
            return utf8("{\"" + key + "\": " + WRONG_FOR_NUMBER.get(r.nextInt(WRONG_FOR_NUMBER.size())) + "}");
        }
        String value = WRONG_FOR_BOOL.get(r.nextInt(WRONG_FOR_BOOL.size()));
        return utf8(switch (r.nextInt(4)) {
            case 0 -> "{\"pause\": " + value + "}";
            case 1 -> "{\"postgresql\": {\"use_pg_rewind\": " + value + "}}";
            case 2 -> "{\"postgresql\": {\"use_slots\": " + value + "}}";
            default -> "{\"postgresql\": " + List.of("1", "[]", "\"x\"", "true").get(r.nextInt(4)) + "}";
        });
    }

    private static byte[] badParameter(Random r) {
        return utf8(r.nextBoolean()
                ? "{\"postgresql\": {\"parameters\": {\"" + unicode(r, 1 + r.nextInt(10)) + " -\": \"1\"}}}"
                : "{\"postgresql\": {\"parameters\": {\"work_mem\": " + List.of("[]", "{}", "[\"8MB\"]",
                "{\"a\": 1}").get(r.nextInt(4)) + "}}}");
    }

    /** Nesting from 50 to 20,000 levels, balanced or not, inside a key that must not hold it. */
    private static byte[] deep(Random r) {
        int depth = 50 + r.nextInt(20_000);
        String open = r.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String inner = open.repeat(depth) + "1" + (r.nextBoolean() ? close.repeat(depth) : "");
        return utf8("{\"postgresql\": {\"parameters\": {\"work_mem\": " + inner + "}}}");
    }

    private static byte[] invalidUtf8(Random r) {
        byte[] prefix = utf8("{\"postgresql\": {\"parameters\": {\"application_name\": \"");
        byte[] junk = new byte[1 + r.nextInt(16)];
        for (int i = 0; i < junk.length; i++) {
            junk[i] = (byte) (0x80 + r.nextInt(0x80)); // continuation and lead bytes out of place
        }
        junk[0] = (byte) (0xf8 + r.nextInt(8)); // never valid in UTF-8
        byte[] suffix = utf8("\"}}}");
        byte[] out = new byte[prefix.length + junk.length + suffix.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(junk, 0, out, prefix.length, junk.length);
        System.arraycopy(suffix, 0, out, prefix.length + junk.length, suffix.length);
        return out;
    }

    private static byte[] oversized(Random r) {
        int size = RestServer.MAX_BODY_BYTES + 1 + r.nextInt(3 * RestServer.MAX_BODY_BYTES);
        String filler = "x".repeat(size);
        return utf8("{\"postgresql\": {\"parameters\": {\"application_name\": \"" + filler + "\"}}}");
    }

    private static String scalar(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> Long.toString(r.nextLong());
            case 1 -> "\"" + unicode(r, r.nextInt(8)).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case 2 -> r.nextBoolean() ? "true" : "false";
            case 3 -> "\"\\ud800\"";
            default -> Double.toString(r.nextDouble() * 1e6);
        };
    }

    /** Letters from several scripts, emoji and control characters; no quote or backslash. */
    private static String unicode(Random r, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.appendCodePoint(switch (r.nextInt(5)) {
                case 0 -> 'a' + r.nextInt(26);
                case 1 -> 0x0400 + r.nextInt(0x100);   // Cyrillic
                case 2 -> 0x4e00 + r.nextInt(0x1000);  // CJK
                case 3 -> 0x1f600 + r.nextInt(0x40);   // emoji
                default -> 0x200b + r.nextInt(0x20);   // zero-width and direction marks
            });
        }
        return s.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
