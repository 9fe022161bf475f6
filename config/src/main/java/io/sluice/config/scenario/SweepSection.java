package io.sluice.config.scenario;

import java.util.List;

/** {@code sweep:} run every strategy once per value of {@code parameter} (load or rate-multiplier). */
public record SweepSection(String parameter, List<Double> values) {
}
