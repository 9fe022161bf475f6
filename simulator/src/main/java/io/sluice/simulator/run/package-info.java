/**
 * Runs a scenario's simulations in parallel, one single-threaded deterministic simulation per pool
 * thread, and gathers the results in scenario order, so they do not depend on the number of threads
 * ({@link io.sluice.simulator.run.Runner}); reports progress for people on a terminal
 * ({@link io.sluice.simulator.run.Progress}).
 */
package io.sluice.simulator.run;
