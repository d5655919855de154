package io.raftgres.agent.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code log} section. Only the level is configurable; the format is fixed (one line per
 * HA cycle, prefixed with member and term).
 *
 * @param level one of TRACE, DEBUG, INFO, WARN, ERROR ({@code WARNING} is read as WARN)
 */
public record LogSettings(String level) {
    static final LogSettings DEFAULT = new LogSettings("INFO");
    static final List<String> KEYS = List.of("level");
    private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    public LogSettings {
        Objects.requireNonNull(level, "level");
    }

    static LogSettings read(YamlSection s) {
        int before = s.problems().count();
        s.rejectUnknownKeys(KEYS);
        String level = s.string("level", DEFAULT.level());
        if (level == null) {
            return null;
        }
        String upper = level.toUpperCase(Locale.ROOT);
        upper = upper.equals("WARNING") ? "WARN" : upper;
        if (!LEVELS.contains(upper)) {
            s.problem("level", "must be one of " + String.join(", ", LEVELS) + ", found '" + level + "'");
        }
        return s.problems().count() == before ? new LogSettings(upper) : null;
    }
}
