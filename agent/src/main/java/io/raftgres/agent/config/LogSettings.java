package io.raftgres.agent.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code log} section, Patroni's keys where they mean something here. Every line names the
 * member; the line layout itself is fixed ({@code HH:mm:ss.SSS LEVEL [member term=N] message}, or
 * one JSON object per line).
 *
 * @param level                    root level: TRACE, DEBUG, INFO, WARN, ERROR ({@code WARNING} is read
 *                                 as WARN and {@code CRITICAL} as ERROR, Patroni's names)
 * @param json                     one JSON object per line instead of plain text ({@code type: json})
 * @param dir                      directory of {@code raftgres.log}; null to log to standard output
 * @param fileSize                 bytes after which the file is rotated (with {@code dir})
 * @param fileNum                  rotated files kept ({@code raftgres.log.1} .. {@code .N}, with {@code dir})
 * @param loggers                  level per logger name (for example {@code org.apache.ratis: WARN})
 * @param staticFields             extra fields of every JSON line
 * @param deduplicateHeartbeatLogs collapse an unchanged "no action" line of the HA loop (default true)
 */
public record LogSettings(String level, boolean json, Path dir, long fileSize, int fileNum,
                          Map<String, String> loggers, Map<String, String> staticFields,
                          boolean deduplicateHeartbeatLogs) {
    /** Patroni's defaults for the file: 25 MB, 4 rotated files. */
    static final long DEFAULT_FILE_SIZE = 25_000_000;
    static final int DEFAULT_FILE_NUM = 4;
    /** Logback's fixed-window rolling keeps at most 20 files. */
    static final int MAX_FILE_NUM = 20;
    static final LogSettings DEFAULT = new LogSettings("INFO", false, null, DEFAULT_FILE_SIZE, DEFAULT_FILE_NUM,
            Map.of(), Map.of(), true);
    static final List<String> KEYS = List.of("level", "type", "format", "dir", "file_size", "file_num", "loggers",
            "static_fields", "deduplicate_heartbeat_logs");
    /** Patroni log keys raftgres does not take, with what to do instead. */
    static final Map<String, String> REFUSED = Map.of(
            "dateformat", "remove it: raftgres prints HH:mm:ss.SSS in plain lines and ISO-8601 with the offset in"
                    + " JSON lines",
            "traceback_level", "remove it: raftgres prints a stack trace only with unexpected errors, at the"
                    + " line's own level",
            "max_queue_size", "remove it: raftgres writes each line as it happens, with no queue to size",
            "mode", "remove it: log files are created with the process umask (set UMask= in the systemd unit)");
    /** The fields of every JSON line, which static_fields may not redefine. */
    private static final List<String> BUILT_IN_FIELDS = List.of("time", "level", "member", "term", "logger", "thread",
            "message", "exception");
    private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    public LogSettings {
        Objects.requireNonNull(level, "level");
        loggers = Map.copyOf(loggers);
        staticFields = Map.copyOf(staticFields);
    }

    /** Standard output, INFO, plain lines, no extra loggers. */
    public static LogSettings defaults() {
        return DEFAULT;
    }

    /** The log file when {@code dir} is set. */
    public Path file() {
        return dir == null ? null : dir.resolve("raftgres.log");
    }

    static LogSettings read(YamlSection s) {
        int before = s.problems().count();
        s.rejectUnknownKeys(KEYS, REFUSED);
        String levelText = s.string("level", DEFAULT.level());
        String level = levelText == null ? null : level(s, "level", levelText);
        Boolean json = type(s);
        Path dir = s.has("dir") ? s.absolutePath("dir", null) : null;
        Long fileSize = s.integer("file_size", DEFAULT_FILE_SIZE, 4096, Long.MAX_VALUE);
        Long fileNum = s.integer("file_num", DEFAULT_FILE_NUM, 1, MAX_FILE_NUM);
        Map<String, String> loggers = new LinkedHashMap<>();
        s.section("loggers").ifPresent(l -> l.entries().forEach((name, value) -> {
            String key = String.valueOf(name);
            String parsed = value instanceof String text ? level(l, key, text) : null;
            if (value != null && !(value instanceof String)) {
                l.problem(key, "must be one of " + String.join(", ", LEVELS) + ", found " + YamlSection.describe(value));
            } else if (parsed != null) {
                loggers.put(key, parsed);
            }
        }));
        Map<String, String> staticFields = new LinkedHashMap<>();
        s.section("static_fields").ifPresent(f -> f.entries().forEach((name, value) -> {
            String text = PgEntries.scalarText(value);
            if (BUILT_IN_FIELDS.contains(String.valueOf(name))) {
                f.problem(String.valueOf(name), "is a field every JSON line has already; choose another name");
            } else if (text == null) {
                f.problem(String.valueOf(name), "must be a single value, found " + YamlSection.describe(value));
            } else {
                staticFields.put(String.valueOf(name), text);
            }
        }));
        Boolean dedup = s.bool("deduplicate_heartbeat_logs", true);
        if (s.problems().count() != before) {
            return null;
        }
        return new LogSettings(level, json, dir, fileSize, Math.toIntExact(fileNum), loggers, staticFields, dedup);
    }

    private static String level(YamlSection s, String key, String text) {
        String upper = text.strip().toUpperCase(Locale.ROOT);
        upper = switch (upper) {
            case "WARNING" -> "WARN";
            case "CRITICAL", "FATAL" -> "ERROR";
            default -> upper;
        };
        if (!LEVELS.contains(upper)) {
            s.problem(key, "must be one of " + String.join(", ", LEVELS) + ", found '" + text + "'");
            return null;
        }
        return upper;
    }

    /**
     * Patroni's {@code type: plain|json}; {@code format: plain|json} is taken too. Patroni's
     * {@code format} is a Python format string, which raftgres refuses with what to use instead.
     */
    private static Boolean type(YamlSection s) {
        if (s.has("type") && s.has("format")) {
            s.problem("format", "give only log.type (plain or json)");
            return null;
        }
        String key = s.has("format") ? "format" : "type";
        String text = s.string(key, "plain");
        if (text == null) {
            return null;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "plain" -> false;
            case "json" -> true;
            default -> {
                s.problem(key, "must be plain or json, found '" + text + "'"
                        + (key.equals("format") ? "; raftgres has a fixed line layout (time level [member]"
                        + " message): remove it, or set log.type: json for structured lines" : ""));
                yield null;
            }
        };
    }
}
