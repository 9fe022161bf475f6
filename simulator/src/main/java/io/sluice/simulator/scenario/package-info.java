/**
 * Scenario files: YAML describing a backend fleet, the load-balancer tier, scripted events, a
 * workload, the strategies to compare and an optional load sweep, read into a validated
 * {@link io.sluice.simulator.scenario.Scenario} whose {@link io.sluice.simulator.scenario.Scenario#runs()}
 * are ready-to-run {@code SimulationConfig}s. Entry point: {@link io.sluice.simulator.scenario.Scenarios}
 * (files, text, and the built-in catalog under {@code scenarios/} in the jar). Every key is documented in
 * {@code scenarios/scenario-example.yaml}; every invalid field fails with its YAML path and what is allowed.
 */
package io.sluice.simulator.scenario;
