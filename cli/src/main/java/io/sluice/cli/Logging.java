package io.sluice.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.LoggerFactory;

/**
 * Where the long-running commands' log goes: SLF4J bound to Logback, one event a line on standard
 * error, as text (the default) or JSON Lines for a log collector. Netty logs through the same SLF4J
 * (it picks SLF4J when a binding is present), at WARN and above. The access log is not a log of
 * this kind: it keeps its own file or stdout.
 *
 * <p>A text line: {@code 2025-01-31T10:00:00.000+01:00 INFO  [main] ProxyDaemon - reloaded ...};
 * an exception's stack trace stays on the same line, its lines joined by {@code " | "}. A JSON line
 * is Logback's {@link JsonEncoder} object with the fields {@code timestamp} (epoch ms),
 * {@code level}, {@code threadName}, {@code loggerName}, {@code formattedMessage} and, with an
 * exception, {@code throwable}.
 *
 * <p>Until a command asks for a format, {@link LogDefaults} sets up text. An operator's own Logback
 * file ({@code -Dlogback.configurationFile=...}) wins: then this class changes nothing.
 */
final class Logging {
    /** The text layout. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0} - "
            + "%replace(%replace(%msg %ex{full}){'\\s+$', ''}){'[\\r\\n]+\\s*', ' | '}%nopex%n";

    /** {@code --log-format}. */
    enum Format { TEXT, JSON }

    private Logging() {
    }

    /** Sends every event to standard error in {@code format}, unless the operator gave a Logback file. */
    static void configure(Format format) {
        if (System.getProperty("logback.configurationFile") != null) {
            return;
        }
        configure(format, System.err);
    }

    /** As {@link #configure(Format)}, to {@code out} (tests). */
    static void configure(Format format, OutputStream out) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.reset();
            configure(context, format, out);
        }
    }

    /** Sets up a fresh (or just reset) context: one appender on the root, INFO, Netty at WARN. */
    static void configure(LoggerContext context, Format format, OutputStream out) {
        Encoder<ILoggingEvent> encoder = format == Format.JSON ? json() : text();
        encoder.setContext(context);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName(format == Format.JSON ? "json" : "text");
        appender.setEncoder(encoder);
        appender.setOutputStream(keptOpen(out));
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        context.getLogger("io.netty").setLevel(Level.WARN);
    }

    /** {@code out}, which stopping the appender flushes but never closes (it is standard error). */
    private static OutputStream keptOpen(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    private static Encoder<ILoggingEvent> text() {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setPattern(TEXT_PATTERN);
        return e;
    }

    private static Encoder<ILoggingEvent> json() {
        JsonEncoder e = new JsonEncoder();
        e.setWithSequenceNumber(false);
        e.setWithNanoseconds(false);
        e.setWithContext(false);
        e.setWithMarkers(false);
        e.setWithMDC(false);
        e.setWithKVPList(false);
        e.setWithMessage(false);
        e.setWithArguments(false);
        e.setWithFormattedMessage(true);
        e.setWithThrowable(true);
        return e;
    }
}
