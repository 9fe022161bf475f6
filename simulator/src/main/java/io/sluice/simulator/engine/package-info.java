/**
 * The discrete-event simulator's engine and its programmatic API.
 *
 * <p>Entry points: build a {@link io.sluice.simulator.engine.SimulationConfig} (backends from
 * {@code io.sluice.simulator.model}, a {@code StrategySpec}, a {@code WorkloadSpec}, duration,
 * warm-up, interval, seed), then {@code Simulation.of(config).run()} returns an immutable
 * {@link io.sluice.simulator.metrics.SimulationResult}. One run is single-threaded and allocates
 * nothing per event in steady state; independent runs may go on separate threads.
 *
 * <p>Virtual time is in nanoseconds. Determinism: every random draw comes from a stream named by
 * its component and derived from the run seed ({@link io.sluice.simulator.engine.RandomStreams}):
 * {@code workload}, {@code lb-spread}, {@code network}, {@code probes}, {@code health-checks},
 * {@code backend-<id>} (service times) and {@code lb-<k>} (the seed of instance k's
 * {@code Environment}); simultaneous events run in the order they were scheduled.
 */
package io.sluice.simulator.engine;
