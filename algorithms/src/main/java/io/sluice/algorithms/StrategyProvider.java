package io.sluice.algorithms;

import java.util.List;

/**
 * The service-provider interface of routing strategies. Every built-in strategy is one, and a
 * custom strategy becomes selectable by name everywhere (proxy config, simulator scenarios,
 * {@code ./sluice strategies}) by implementing this interface and listing the class in
 * {@code META-INF/services/io.sluice.algorithms.StrategyProvider} on the class path
 * ({@link java.util.ServiceLoader}).
 *
 * <p>A provider must have a public no-argument constructor and be stateless.
 * {@link #create} receives parameters already validated against {@link #parameters()}.
 */
public interface StrategyProvider {
    /** Unique name, lower-case words joined by '-', e.g. {@code least-connections}. */
    String name();

    /** One line on what it does and where it comes from. */
    String description();

    /** Declared parameters with defaults and ranges; empty if none. */
    List<ParameterSpec> parameters();

    /** A configured strategy. */
    Strategy create(Parameters params, Environment env);
}
