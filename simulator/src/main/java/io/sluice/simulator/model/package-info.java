/**
 * What a simulation models, as immutable validated values: backend groups (count, concurrency,
 * service-time {@link io.sluice.simulator.model.Distribution}, speed, FIFO or processor sharing,
 * queue capacity), scripted events (crash, recover, slowdown, stall), the load-balancer tier
 * (instances, network delay, timeouts, retry budget, utilisation staleness, picker refresh) and
 * active health checking with the algorithms module's rise/fall state machine
 * ({@link io.sluice.simulator.model.HealthCheckModel}).
 *
 * <p>Invalid values are refused by the factories and builders with a message that names the value
 * and the allowed range.
 */
package io.sluice.simulator.model;
