package io.sluice.simulator.scenario;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A parameter sweep: every strategy runs once per value, giving latency-vs-load curves. The
 * workload is played faster or slower ({@code Workloads.timeScaled}) so that its offered rate
 * becomes:
 * <ul>
 *   <li>{@link Parameter#LOAD}: the target utilisation {@code rho} of the whole fleet, with the fleet's
 *       nominal capacity {@code C = sum over backends of servers * speed / E[S]} requests per second
 *       ({@code E[S]} the mean of the backend's service time): offered rate {@code lambda = rho * C}.
 *       Worked example: 10 backends of 4 servers, speed 1, mean service 20 ms give
 *       {@code C = 10 * 4 / 0.020 = 2000/s}, so load 0.9 offers 1800 requests/s. Needs a workload
 *       whose mean rate is known (not a trace or a one-off burst). Scripted slowdowns and crashes
 *       are not counted: the load is against the healthy fleet.</li>
 *   <li>{@link Parameter#RATE_MULTIPLIER}: {@code lambda} is the workload's own rate times the value;
 *       works for traces too (a trace played twice as fast).</li>
 * </ul>
 * Time-scaling moves every time of the workload with its rate (periods, jitters, a burst's start):
 * for Poisson, periodic and on/off sources that is exactly a rate change.
 *
 * @param parameter what the values mean
 * @param values    one run per value and strategy, in this order
 */
public record Sweep(Parameter parameter, List<Double> values) {
    /** What a sweep value sets. */
    public enum Parameter {
        /** Target utilisation of the fleet's nominal capacity. */
        LOAD,
        /** Multiplier on the workload's own arrival rate. */
        RATE_MULTIPLIER;

        /** The name in scenario files and in results ({@code load}, {@code rate-multiplier}). */
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public Sweep {
        Objects.requireNonNull(parameter, "parameter");
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one value");
        }
    }
}
