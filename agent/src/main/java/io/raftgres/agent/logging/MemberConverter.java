package io.raftgres.agent.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %member}: the member name, and {@code term=N} when the line comes from the HA loop's
 * thread (which keeps its term in the MDC). The name is a property of the logging context, set
 * once per process, so lines from every thread carry it, Ratis' and Netty's included; a thread
 * may override it with the MDC key {@code member}.
 */
public final class MemberConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return render(event);
    }

    static String member(ILoggingEvent event) {
        String own = event.getMDCPropertyMap().get(LogSetup.MEMBER);
        if (own != null) {
            return own;
        }
        String member = event.getLoggerContextVO().getPropertyMap().get(LogSetup.MEMBER);
        return member != null ? member : "-";
    }

    static String term(ILoggingEvent event) {
        return event.getMDCPropertyMap().get(LogSetup.TERM);
    }

    static String render(ILoggingEvent event) {
        String term = term(event);
        return term == null ? member(event) : member(event) + " term=" + term;
    }
}
