package io.raftgres.agent.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed access to one mapping of the parsed YAML, reporting every problem to the shared
 * {@link ConfigProblems} instead of throwing. An accessor whose value is wrong reports it
 * under the full dotted key and returns {@code null}; an absent (or YAML {@code null})
 * value gives the caller's default. Readers compare {@link ConfigProblems#count()} before
 * and after to know whether they may build their record.
 *
 * <p>Values may be YAML scalars or strings (environment overrides are always strings), so
 * {@code "true"}, {@code "5"} and {@code "2s"} are accepted where a boolean, number or
 * duration is expected. Text settings, by contrast, must be YAML strings: YAML 1.1 turns
 * {@code yes} into a boolean and {@code 0123} into an octal number, which would silently
 * change a name or password.
 *
 * <p>Not thread-safe; lives for one load.
 */
final class YamlSection {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?\\d+(\\.\\d+)?");
    private static final Duration MAX_DURATION = Duration.ofDays(1);

    private final String path;
    private final Map<?, ?> values;
    private final ConfigProblems problems;

    YamlSection(String path, Map<?, ?> values, ConfigProblems problems) {
        this.path = path;
        this.values = values;
        this.problems = problems;
    }

    static YamlSection empty(String path, ConfigProblems problems) {
        return new YamlSection(path, Map.of(), problems);
    }

    ConfigProblems problems() {
        return problems;
    }

    String keyOf(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    void problem(String name, String reason) {
        problems.add(keyOf(name), reason);
    }

    /** The raw entries of this mapping, for sections whose keys are free-form (tags, parameters). */
    Map<?, ?> entries() {
        return values;
    }

    boolean has(String name) {
        return values.get(name) != null;
    }

    Object raw(String name) {
        return values.get(name);
    }

    /** Reports keys that are not text and keys this section does not know. */
    void rejectUnknownKeys(Collection<String> known) {
        rejectUnknownKeys(known, Map.of());
    }

    /** As {@link #rejectUnknownKeys(Collection)}; {@code explained} gives a specific reason for some keys. */
    void rejectUnknownKeys(Collection<String> known, Map<String, String> explained) {
        for (Object key : values.keySet()) {
            if (!(key instanceof String name)) {
                problems.add(keyOf(String.valueOf(key)), "keys must be text, found " + describe(key));
            } else if (explained.containsKey(name)) {
                problem(name, explained.get(name));
            } else if (!known.contains(name)) {
                problem(name, KeySuggestion.closest(name, known)
                        .map(guess -> "unknown key; did you mean '" + guess + "'?")
                        .orElse("unknown key; known keys here: " + String.join(", ", known)));
            }
        }
    }

    /** The nested mapping {@code name}; empty when absent or (with a problem) not a mapping. */
    Optional<YamlSection> section(String name) {
        Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Map<?, ?> map) {
            return Optional.of(new YamlSection(keyOf(name), map, problems));
        }
        // Kind only, never the text: "superuser: hunter2" would otherwise print a password.
        problem(name, "must be a mapping of keys to values, found "
                + (value instanceof String ? "text" : describe(value)));
        return Optional.empty();
    }

    /** The nested mapping {@code name}, or an empty one (so its defaults apply) when absent. */
    YamlSection sectionOrEmpty(String name) {
        return section(name).orElseGet(() -> empty(keyOf(name), problems));
    }

    /** Like {@link #section} but reports a missing section, naming what it must contain. */
    Optional<YamlSection> requiredSection(String name, String mustContain) {
        if (!has(name)) {
            problem(name, "missing required section (it must contain " + mustContain + ")");
        }
        return section(name);
    }

    /** A text value; {@code dflt} when absent (pass null to make it required). */
    String string(String name, String dflt) {
        return text(name, dflt, false);
    }

    /** A text value whose content must never be echoed in a problem (passwords). */
    String secret(String name, String dflt) {
        return text(name, dflt, true);
    }

    Boolean bool(String name, boolean dflt) {
        Object value = values.get(name);
        if (value == null) {
            return dflt;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s) {
            switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> {
                    return true;
                }
                case "false", "no", "off" -> {
                    return false;
                }
                default -> { }
            }
        }
        problem(name, "must be true or false, found " + describe(value));
        return null;
    }

    /** A whole number in [min, max]; {@code dflt} when absent. */
    Long integer(String name, long dflt, long min, long max) {
        Object value = values.get(name);
        if (value == null) {
            return dflt;
        }
        BigDecimal number = decimal(value);
        if (number == null || number.stripTrailingZeros().scale() > 0) {
            problem(name, "must be a whole number, found " + describe(value));
            return null;
        }
        BigInteger whole = number.toBigInteger();
        if (whole.compareTo(BigInteger.valueOf(min)) < 0 || whole.compareTo(BigInteger.valueOf(max)) > 0) {
            problem(name, range(BigDecimal.valueOf(min), BigDecimal.valueOf(max), "") + ", found " + whole);
            return null;
        }
        return whole.longValueExact();
    }

    /**
     * A number of seconds, possibly fractional, returned in milliseconds (rounded half-up).
     * {@code dfltMillis} when absent.
     */
    Long secondsAsMillis(String name, long dfltMillis, BigDecimal minSeconds, BigDecimal maxSeconds) {
        Object value = values.get(name);
        if (value == null) {
            return dfltMillis;
        }
        BigDecimal seconds = decimal(value);
        if (seconds == null) {
            problem(name, "must be a number of seconds, found " + describe(value));
            return null;
        }
        if (seconds.compareTo(minSeconds) < 0 || seconds.compareTo(maxSeconds) > 0) {
            problem(name, range(minSeconds, maxSeconds, " seconds") + ", found " + plain(seconds));
            return null;
        }
        return seconds.movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /**
     * A positive duration: {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 1h}, or a
     * bare number of milliseconds. {@code dflt} when absent.
     */
    Duration duration(String name, Duration dflt) {
        Object value = values.get(name);
        if (value == null) {
            return dflt;
        }
        String text = value instanceof Integer || value instanceof Long || value instanceof BigInteger
                ? value.toString() : value instanceof String s ? s.strip() : null;
        Matcher m = text == null ? null : DURATION.matcher(text);
        if (m == null || !m.matches()) {
            problem(name, "must be a duration such as 250ms or 2s (a bare number means milliseconds), found "
                    + describe(value));
            return null;
        }
        long unitMillis = switch (m.group(2) == null ? "ms" : m.group(2)) {
            case "s" -> 1_000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 1;
        };
        BigDecimal millis = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitMillis));
        if (millis.stripTrailingZeros().scale() > 0) {
            problem(name, "must be a whole number of milliseconds, found '" + text + "'");
            return null;
        }
        if (millis.signum() == 0) {
            problem(name, "must be a positive duration, found '" + text + "'");
            return null;
        }
        if (millis.compareTo(BigDecimal.valueOf(MAX_DURATION.toMillis())) > 0) {
            problem(name, "must be at most 24h, found '" + text + "'");
            return null;
        }
        return Duration.ofMillis(millis.longValueExact());
    }

    /** A {@code host:port} address; {@code dflt} when absent (pass null to make it required). */
    HostPort hostPort(String name, HostPort dflt) {
        String text = string(name, dflt == null ? null : dflt.toString());
        return text == null ? null : hostPortOf(keyOf(name), text);
    }

    /** Parses {@code text} as {@code host:port}, reporting a problem under {@code key} if it is not. */
    HostPort hostPortOf(String key, String text) {
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(key, e.getMessage());
            return null;
        }
    }

    /**
     * An absolute filesystem path; {@code dflt} when absent (pass null to make it required).
     * Relative paths are refused: a daemon's working directory is no stable anchor.
     */
    Path absolutePath(String name, Path dflt) {
        String text = string(name, dflt == null ? null : dflt.toString());
        if (text == null) {
            return null;
        }
        try {
            Path p = Path.of(text);
            if (!p.isAbsolute()) {
                problem(name, "must be an absolute path, found '" + text + "'");
                return null;
            }
            return p.normalize();
        } catch (InvalidPathException e) {
            problem(name, "is not a valid path: " + e.getReason());
            return null;
        }
    }

    /** The list at {@code name}; empty when absent; null (with a problem) when not a list. */
    List<?> list(String name) {
        Object value = values.get(name);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list;
        }
        problem(name, "must be a list, found " + describe(value));
        return null;
    }

    /** Describes a YAML value for a problem message, echoing short scalars. */
    static String describe(Object value) {
        return switch (value) {
            case null -> "nothing";
            case Map<?, ?> ignored -> "a mapping";
            case List<?> ignored -> "a list";
            case Boolean b -> "the boolean " + b;
            case Number n -> "the number " + n;
            case String s -> "'" + s + "'";
            default -> "a " + value.getClass().getSimpleName();
        };
    }

    private String text(String name, String dflt, boolean secret) {
        Object value = values.get(name);
        if (value == null) {
            if (dflt == null) {
                problem(name, "missing required key");
            }
            return dflt;
        }
        if (!(value instanceof String s)) {
            problem(name, "must be text (quote it in YAML), found "
                    + (secret ? (value instanceof Map || value instanceof List ? describe(value) : "a non-text value")
                    : describe(value)));
            return null;
        }
        if (s.isBlank()) {
            problem(name, "must not be empty");
            return null;
        }
        return secret ? s : s.strip();
    }

    private static BigDecimal decimal(Object value) {
        return switch (value) {
            case Integer i -> BigDecimal.valueOf(i);
            case Long l -> BigDecimal.valueOf(l);
            case BigInteger b -> new BigDecimal(b);
            case Double d when Double.isFinite(d) -> BigDecimal.valueOf(d);
            case String s when DECIMAL.matcher(s.strip()).matches() -> new BigDecimal(s.strip());
            default -> null;
        };
    }

    private static String range(BigDecimal min, BigDecimal max, String unit) {
        if (max.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) >= 0) {
            return "must be at least " + plain(min) + unit;
        }
        return "must be between " + plain(min) + " and " + plain(max) + unit;
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }
}
