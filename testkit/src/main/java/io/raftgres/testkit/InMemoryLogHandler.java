package io.raftgres.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what a class logs (tests bind SLF4J to java.util.logging, whose adapter hands over
 * the formatted message), so tests can assert that a failure was reported with the tool's
 * output. Attach in a try-with-resources block.
 */
public final class InMemoryLogHandler extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new ArrayList<>();

    private InMemoryLogHandler(Logger logger) {
        this.logger = logger;
    }

    public static InMemoryLogHandler attachTo(Class<?> type) {
        InMemoryLogHandler handler = new InMemoryLogHandler(Logger.getLogger(type.getName()));
        handler.logger.addHandler(handler);
        return handler;
    }

    public synchronized List<String> messagesAt(Level level) {
        return records.stream().filter(r -> r.getLevel().equals(level))
                .map(LogRecord::getMessage).toList();
    }

    @Override
    public synchronized void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
