/**
 * What {@code ./sluice simulate} produces: {@code results.json} in schema
 * {@code sluice.simulation-results} v1 ({@code docs/results-schema.md}), byte-for-byte deterministic
 * ({@link io.sluice.simulator.output.ResultsJson}), and the comparison table it prints
 * ({@link io.sluice.simulator.output.ComparisonTable}).
 */
package io.sluice.simulator.output;
