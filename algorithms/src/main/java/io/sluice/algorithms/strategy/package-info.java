/**
 * The classic routing strategies: {@code round-robin}, {@code weighted-round-robin}, {@code random},
 * {@code weighted-random} and {@code least-connections}.
 *
 * <p>Each is reached by name through {@link io.sluice.algorithms.StrategyRegistry}; the public
 * classes here are only the {@link io.sluice.algorithms.StrategyProvider}s that
 * {@link java.util.ServiceLoader} instantiates. Pickers and the pieces only they use (the
 * per-thread {@code StripedCursor}, NGINX's {@code SmoothWeightedSchedule}) are package-private;
 * what other packages use too (Vose's alias table, the strategy shell that answers empty and
 * one-endpoint sets) lives in {@code io.sluice.algorithms.internal}. A picker is an immutable
 * snapshot of {@link io.sluice.algorithms.EndpointSet#available()} whose only mutable state is a
 * cursor (round robin) or nothing at all (random, least connections).
 */
package io.sluice.algorithms.strategy;
