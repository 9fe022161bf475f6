package io.sluice.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration when nothing else is given, found through
 * {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}: text lines on standard error
 * ({@link Logging}), set up in code so no XML is parsed at every start of a command. An operator's
 * {@code -Dlogback.configurationFile=...} is read instead (Logback looks for it first).
 */
public final class LogDefaults extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        Logging.configure(context, Logging.Format.TEXT, System.err);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
