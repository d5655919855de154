package io.raftgres.agent;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.raftgres.core.decide.Decision;
import io.raftgres.core.decide.HaAction;
import io.raftgres.core.decide.Reason;
import io.raftgres.ha.DecisionLogger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The HA loop's sentence: changes at once, an unchanged decision once a minute. */
class DecisionLoggerTest {
    private static final Decision FOLLOWING = Decision.of(Reason.REPLICA_FOLLOWING,
            "no action: I am n3, a replica following n2");
    private static final Decision PROMOTING = Decision.of(Reason.PROMOTE, "promoting: I hold the leader key for term 3",
            new HaAction.Promote());

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Logger logger;

    @BeforeEach
    void attach() {
        LoggerContext ctx = new LoggerContext();
        lines.setContext(ctx);
        lines.start();
        logger = ctx.getLogger("raftgres.ha");
        logger.addAppender(lines);
    }

    @Test
    void anUnchangedNoActionIsWrittenOncePerMinute() {
        DecisionLogger log = new DecisionLogger(logger, true);
        for (long second = 0; second <= 150; second++) {
            log.log(2, FOLLOWING, second * 1000);
        }

        assertEquals(List.of("no action: I am n3, a replica following n2",
                "no action: I am n3, a replica following n2 (unchanged for 60 s)",
                "no action: I am n3, a replica following n2 (unchanged for 120 s)"), messages());
    }

    @Test
    void everyChangeOfSentenceOrTermIsWrittenAtOnce() {
        DecisionLogger log = new DecisionLogger(logger, true);
        log.log(2, FOLLOWING, 0);
        log.log(2, FOLLOWING, 1000);
        log.log(3, FOLLOWING, 2000);
        log.log(3, Decision.of(Reason.NO_LEADER_KEY, "waiting for a leader"), 3000);
        log.log(3, FOLLOWING, 4000);

        assertEquals(List.of("no action: I am n3, a replica following n2", "no action: I am n3, a replica following n2",
                "waiting for a leader", "no action: I am n3, a replica following n2"), messages());
        assertEquals(List.of("INFO"), lines.list.stream().map(e -> e.getLevel().toString()).distinct().toList());
    }

    @Test
    void repeatedActionsAreCollapsedButAChangedActionIsWritten() {
        DecisionLogger log = new DecisionLogger(logger, true);
        log.log(3, PROMOTING, 0);
        log.log(3, PROMOTING, 1000);
        log.log(3, Decision.of(Reason.PROMOTE, PROMOTING.summary(), new HaAction.Promote(), new HaAction.AddVip()),
                2000);

        assertEquals(2, messages().size());
    }

    @Test
    void withoutDeduplicationEveryCycleIsWritten() {
        DecisionLogger log = new DecisionLogger(logger, false);
        for (long second = 0; second < 5; second++) {
            log.log(2, FOLLOWING, second * 1000);
        }

        assertEquals(5, messages().size());
    }

    private List<String> messages() {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
