/**
 * The immutable results of a simulation run: outcomes and their rates, latency (nanoseconds,
 * HdrHistogram with 3 significant digits, exact mean), per-backend requests and utilisation,
 * fairness (Jain's index, max/mean), affinity (hit rate, sessions moved) and the per-interval time
 * series. Every type has value equality, so equal runs compare equal.
 */
package io.sluice.simulator.metrics;
