package io.sluice.config.scenario;

/**
 * A document holding only a {@code workload:} section, as each example of
 * {@code scenarios/workloads-example.yaml} is: what to copy into a scenario.
 */
public record WorkloadFile(WorkloadSection workload) {
}
