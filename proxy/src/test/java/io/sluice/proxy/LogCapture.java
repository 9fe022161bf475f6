package io.sluice.proxy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * The messages one logger writes while a test runs, at INFO and above, as "LEVEL message" lines
 * (through Logback, the binding the tests run with). Close to detach.
 */
final class LogCapture implements AutoCloseable {
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger;
    private final Level previous;
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
            lines.add(e.getLevel() + " " + e.getFormattedMessage());
        }
    };

    LogCapture(Class<?> of) {
        logger = (Logger) LoggerFactory.getLogger(of);
        previous = logger.getLevel();
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(previous);
        appender.stop();
    }
}
