package io.raftgres.agent.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;

/**
 * {@code log.type: plain}: {@code HH:mm:ss.SSS LEVEL [member term=N] message}. A message or stack
 * trace of several lines repeats the head on each of them, so that every line of the file names
 * its member and {@code grep n2} never loses half an event.
 */
final class PlainLineLayout extends LayoutBase<ILoggingEvent> {
    static final String HEAD = "%d{HH:mm:ss.SSS} %-5level [%member] %nopex";
    static final String BODY = "%msg%n%ex";

    private final PatternLayout head = pattern(HEAD);
    private final PatternLayout body = pattern(BODY);

    private static PatternLayout pattern(String pattern) {
        PatternLayout layout = new PatternLayout();
        layout.getInstanceConverterMap().put("member", MemberConverter::new);
        layout.setPattern(pattern);
        return layout;
    }

    @Override
    public void start() {
        head.setContext(getContext());
        body.setContext(getContext());
        head.start();
        body.start();
        super.start();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        String prefix = head.doLayout(event);
        String text = body.doLayout(event);
        StringBuilder out = new StringBuilder(text.length() + prefix.length());
        int from = 0;
        while (from < text.length()) {
            int end = text.indexOf('\n', from);
            end = end < 0 ? text.length() : end;
            String line = text.substring(from, end).stripTrailing();
            if (!line.isEmpty() || from == 0) {
                out.append(prefix).append(line).append('\n');
            }
            from = end + 1;
        }
        return out.toString();
    }
}
