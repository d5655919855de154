package io.raftgres.agent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import io.raftgres.agent.config.LogSettings;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;

/**
 * Configures Logback for this process from the {@code log} section: one appender (standard
 * output, or {@code raftgres.log} in {@code log.dir} rotated by size with Logback's own
 * fixed-window policy), a plain or JSON layout, the member name on every line, levels. Called
 * once before the configuration is read ({@link #initial()}, member unknown) and once after it
 * ({@link #apply}); each call replaces the whole setup.
 */
public final class LogSetup {
    /** Logging-context property and MDC key holding the member name. */
    public static final String MEMBER = "member";
    /** MDC key of the HA loop's current Raft term. */
    public static final String TERM = io.raftgres.ha.HaLoop.MDC_TERM;
    /**
     * Libraries' own chatter, quieter than the root level unless {@code log.loggers} says otherwise.
     * Ratis logs a WARN/ERROR line per reconnect attempt while a peer is down; the HA loop's line
     * already says what matters.
     */
    static final Map<String, String> LIBRARY_LEVELS = Map.of(
            "org.apache.ratis", "ERROR",
            "org.apache.ratis.util.LifeCycle", "OFF",
            "org.apache.ratis.metrics", "OFF",
            "io.micronaut", "WARN",
            "io.netty", "WARN",
            "org.apache.ratis.thirdparty.io.netty", "WARN");

    private LogSetup() {
    }

    /** Standard output, INFO, member "-": for the lines written before the configuration is read. */
    public static void initial() {
        configure("-", LogSettings.defaults());
    }

    /**
     * The configured setup for {@code member}.
     *
     * @throws IllegalArgumentException when {@code log.dir} cannot be created or the log file cannot be
     *                                  opened; the initial setup (standard output) is back in place then
     */
    public static void apply(String member, LogSettings settings) {
        if (settings.dir() != null) {
            try {
                Files.createDirectories(settings.dir());
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot create log.dir " + settings.dir() + ": " + e, e);
            }
        }
        configure(member, settings);
        if (settings.dir() != null && !Files.isWritable(settings.file())) {
            configure(member, LogSettings.defaults());
            throw new IllegalArgumentException("cannot write the log file " + settings.file());
        }
    }

    private static synchronized void configure(String member, LogSettings settings) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        ctx.putProperty(MEMBER, member);
        ctx.addTurboFilter(start(ctx, new RatisJmxNameFilter()));

        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(ctx);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.setLayout(layout(ctx, settings));
        encoder.start();

        Appender<ILoggingEvent> appender = settings.dir() == null ? console(ctx, encoder) : file(ctx, encoder, settings);
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(settings.level()));
        root.addAppender(appender);
        LIBRARY_LEVELS.forEach((name, level) -> ctx.getLogger(name).setLevel(Level.toLevel(level)));
        settings.loggers().forEach((name, level) -> ctx.getLogger(name).setLevel(Level.toLevel(level)));
    }

    private static Layout<ILoggingEvent> layout(LoggerContext ctx, LogSettings settings) {
        if (settings.json()) {
            return start(ctx, new JsonLineLayout(settings.staticFields()));
        }
        return start(ctx, new PlainLineLayout());
    }

    private static Appender<ILoggingEvent> console(LoggerContext ctx, LayoutWrappingEncoder<ILoggingEvent> encoder) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setName("stdout");
        console.setEncoder(encoder);
        return start(ctx, console);
    }

    /**
     * {@code raftgres.log}, renamed to {@code raftgres.log.1} (shifting older ones up to
     * {@code .file_num}, the oldest dropped) once it reaches {@code file_size} bytes. The size is
     * checked at every line, so a file never grows past the limit by more than one line.
     */
    private static Appender<ILoggingEvent> file(LoggerContext ctx, LayoutWrappingEncoder<ILoggingEvent> encoder,
                                                LogSettings settings) {
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(ctx);
        file.setName("file");
        file.setFile(settings.file().toString());
        file.setEncoder(encoder);

        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(ctx);
        rolling.setParent(file);
        rolling.setFileNamePattern(settings.file() + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(settings.fileNum());
        rolling.start();

        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(ctx);
        trigger.setMaxFileSize(new FileSize(settings.fileSize()));
        trigger.setCheckIncrement(ch.qos.logback.core.util.Duration.buildByMilliseconds(0));
        trigger.start();

        file.setRollingPolicy(rolling);
        file.setTriggeringPolicy(trigger);
        file.start();
        return file;
    }

    private static <T extends ch.qos.logback.core.spi.LifeCycle & ch.qos.logback.core.spi.ContextAware> T start(
            LoggerContext ctx, T part) {
        part.setContext(ctx);
        part.start();
        return part;
    }
}
