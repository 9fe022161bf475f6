package io.sluice.simulator.workload;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds {@link WorkloadSpec}s from the {@code workload:} section of a scenario. The kinds, each
 * documented with every field in {@code scenarios/workloads-example.yaml} on the class path:
 * <ul>
 *   <li>{@code poisson}: a constant-rate Poisson process;</li>
 *   <li>{@code periodic}: a telemetry fleet, one report a device a period, with jitter and phases;</li>
 *   <li>{@code diurnal}: a sinusoidal daily swell laid over any source by thinning;</li>
 *   <li>{@code mmpp}: on/off bursts, a two-state Markov-modulated Poisson process;</li>
 *   <li>{@code synchronised-access}: 3GPP TR 37.868 traffic model 2 (Beta(3,4) over T) or 1 (uniform);</li>
 *   <li>{@code reconnect-storm}: every device reconnecting after an outage with exponential backoff;</li>
 *   <li>{@code mixture}: several sources merged, with their own rates or weighted shares of a total;</li>
 *   <li>{@code trace}: a recorded trace (CSV, JSON Lines, CampusIoT) with speed-up and fleet amplification.</li>
 * </ul>
 * Every stream is deterministic per seed and draws only from {@link java.util.SplittableRandom}s
 * derived from it.
 */
public final class Workloads {
    private Workloads() {
    }

    /** The workload kinds {@link #parse} accepts. */
    public static List<String> kinds() {
        return WorkloadParser.KINDS;
    }

    /**
     * Parses the workload section.
     *
     * @param node     the value of the {@code workload:} key
     * @param yamlPath how errors name that node, e.g. {@code workload}
     * @param baseDir  the scenario file's folder: relative trace paths resolve against it
     * @throws WorkloadException naming the YAML path of the first invalid field, its value and what is
     *                           allowed; also when a trace file cannot be found
     */
    public static WorkloadSpec parse(JsonNode node, String yamlPath, Path baseDir) {
        return parse(node, yamlPath, new TraceLocator(baseDir));
    }

    static WorkloadSpec parse(JsonNode node, String yamlPath, TraceLocator locator) {
        return new WorkloadParser(locator).parse(YamlSection.of(node, yamlPath));
    }

    /**
     * {@code spec} played {@code factor} times faster (its mean rate times {@code factor}, every
     * duration of the source divided by it); load sweeps scale a scenario's workload with this.
     *
     * @param factor finite and &gt; 0; 1 returns {@code spec} itself
     */
    public static WorkloadSpec timeScaled(WorkloadSpec spec, double factor) {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("time scale factor must be a finite number > 0, got " + factor);
        }
        return factor == 1 ? spec : new TimeScaledWorkload(spec, factor);
    }
}
