package io.raftgres.agent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

import javax.management.MalformedObjectNameException;

/**
 * Drops the one ERROR (with a stack trace) that Ratis 3.3.0 logs at every start: its JMX adapter
 * first tries an unquoted object name, which a peer id such as {@code 10.0.0.11:5010} makes
 * invalid, then registers the bean under the quoted name, which succeeds. Ratis 3.3.0 has no
 * setting to turn its JMX off ({@code RaftServerImpl.start} always registers), and the peer id is
 * the member's Raft address, stored in every member's Raft log, so it cannot change. Every other
 * line of that logger still passes, including a failure of the quoted name.
 */
final class RatisJmxNameFilter extends TurboFilter {
    static final String LOGGER = "org.apache.ratis.util.JmxRegister";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        boolean unquotedNameFailure = logger != null && LOGGER.equals(logger.getName())
                && t instanceof MalformedObjectNameException && format != null && !format.contains("\"");
        return unquotedNameFailure ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
