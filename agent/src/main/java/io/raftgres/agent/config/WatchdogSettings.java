package io.raftgres.agent.config;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code watchdog} section. Without it the mode is {@link Mode#AUTOMATIC}, as in Patroni.
 *
 * @param mode         whether the watchdog is used and whether it is mandatory for a primary
 * @param device       the watchdog device
 * @param safetyMargin extra time subtracted from the watchdog timeout (default 0: with the default
 *                     lease of 1 s and election timeout of 2 s the only safe timeout is 1 s, see
 *                     the watchdog module's WatchdogSettings for the derivation)
 */
public record WatchdogSettings(Mode mode, Path device, Duration safetyMargin) {
    static final WatchdogSettings DEFAULT =
            new WatchdogSettings(Mode.AUTOMATIC, Path.of("/dev/watchdog"), Duration.ZERO);
    static final List<String> KEYS = List.of("mode", "device", "safety_margin");

    /** Watchdog modes; Patroni's aliases are accepted when reading. */
    public enum Mode {
        /** Never open the device. */
        OFF,
        /** Use the device if it can be armed; go on without it otherwise. */
        AUTOMATIC,
        /** A member that cannot arm the watchdog never becomes primary. */
        REQUIRED;

        /** The YAML spelling. */
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public WatchdogSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(safetyMargin, "safetyMargin");
    }

    static WatchdogSettings read(YamlSection s) {
        int before = s.problems().count();
        s.rejectUnknownKeys(KEYS);
        Mode mode = readMode(s);
        Path device = s.absolutePath("device", DEFAULT.device());
        Long margin = s.secondsAsMillis("safety_margin", DEFAULT.safetyMargin().toMillis(), BigDecimal.ZERO,
                BigDecimal.valueOf(3600));
        return s.problems().count() == before ? new WatchdogSettings(mode, device, Duration.ofMillis(margin)) : null;
    }

    /** YAML 1.1 reads a bare {@code off} as the boolean false, so false means off too. */
    private static Mode readMode(YamlSection s) {
        Object raw = s.raw("mode");
        if (raw == null) {
            return DEFAULT.mode();
        }
        if (Boolean.FALSE.equals(raw)) {
            return Mode.OFF;
        }
        String text = raw instanceof String str ? str.strip().toLowerCase(Locale.ROOT) : "";
        return switch (text) {
            case "off", "disable", "disabled" -> Mode.OFF;
            case "automatic", "auto" -> Mode.AUTOMATIC;
            case "required", "require" -> Mode.REQUIRED;
            default -> {
                s.problem("mode", "must be off, automatic or required (aliases: disable(d), auto, require), found "
                        + YamlSection.describe(raw));
                yield null;
            }
        };
    }
}
