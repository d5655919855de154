package io.raftgres.agent.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * {@code log.type: json}: one JSON object per line, with the fields {@code time} (ISO-8601 with
 * the offset), {@code level}, {@code member}, {@code term} (HA loop lines), {@code logger},
 * {@code thread}, {@code message}, {@code exception} (when there is one) and the configured
 * {@code static_fields}. Every control character is escaped, so a message never breaks a line.
 */
final class JsonLineLayout extends LayoutBase<ILoggingEvent> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    private final Map<String, String> staticFields;
    private final ZoneId zone = ZoneId.systemDefault();

    JsonLineLayout(Map<String, String> staticFields) {
        this.staticFields = Map.copyOf(staticFields);
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(256).append('{');
        field(out, "time", OffsetDateTime.ofInstant(Instant.ofEpochMilli(event.getTimeStamp()), zone).format(TIME));
        field(out, "level", event.getLevel().toString());
        field(out, "member", MemberConverter.member(event));
        String term = MemberConverter.term(event);
        if (term != null) {
            field(out, "term", term);
        }
        field(out, "logger", event.getLoggerName());
        field(out, "thread", event.getThreadName());
        field(out, "message", event.getFormattedMessage());
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            field(out, "exception", ThrowableProxyUtil.asString(thrown));
        }
        staticFields.forEach((k, v) -> field(out, k, v));
        out.setLength(out.length() - 1);
        return out.append("}\n").toString();
    }

    private static void field(StringBuilder out, String name, String value) {
        quote(out, name);
        out.append(':');
        quote(out, value == null ? "" : value);
        out.append(',');
    }

    static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
