package io.sluice.simulator.engine;

import io.sluice.simulator.metrics.SimulationResult;
import java.util.Objects;

/**
 * One simulation: a {@link SimulationConfig} run through a single-threaded discrete-event engine
 * in virtual time. Each {@link #run()} starts from scratch, so running twice, or running equal
 * configurations, gives equal {@link SimulationResult}s; different seeds give independent runs.
 *
 * <p>Each load balancer instance owns a {@code LoadBalancer} built from the strategy the proxy
 * uses, on {@code Environment.virtual(clock, seed("lb-" + k))} with a prober that answers in
 * virtual time after the network delay. Not thread-safe; run separate simulations on separate
 * threads for parallel sweeps.
 */
public final class Simulation {
    private final SimulationConfig config;

    private Simulation(SimulationConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public static Simulation of(SimulationConfig config) {
        return new Simulation(config);
    }

    public SimulationConfig config() {
        return config;
    }

    /**
     * Runs the simulation to the end of its duration plus draining.
     *
     * @throws io.sluice.simulator.workload.WorkloadException when the workload's input is bad
     */
    public SimulationResult run() {
        return new Engine(config).run();
    }
}
