package io.raftgres.watchdog;

import java.util.Locale;

/**
 * How a member uses the watchdog ({@code watchdog.mode}).
 * <ul>
 *   <li>{@link #OFF}: never opens the device.</li>
 *   <li>{@link #AUTOMATIC}: arms it when possible; when not, says so once and may still become
 *       primary (the default, as in Patroni).</li>
 *   <li>{@link #REQUIRED}: a member whose watchdog cannot be armed never becomes primary and
 *       reports {@code watchdog_failed: true}.</li>
 * </ul>
 */
public enum WatchdogMode {
    OFF, AUTOMATIC, REQUIRED;

    /**
     * Parses a configured mode. Accepts Patroni's spellings: {@code off}/{@code disabled},
     * {@code automatic}/{@code auto}, {@code required}/{@code require}, in any case, and
     * {@code false}, which is what a YAML 1.1 parser makes of an unquoted {@code off}.
     */
    public static WatchdogMode fromConfig(String value) {
        String normalized = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (normalized) {
            case "off", "false", "disable", "disabled" -> OFF;
            case "automatic", "auto" -> AUTOMATIC;
            case "required", "require" -> REQUIRED;
            default -> throw new IllegalArgumentException(
                    "watchdog.mode '" + value + "' must be one of off, automatic, required");
        };
    }
}
