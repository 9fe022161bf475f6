package io.sluice.simulator.workload;

import io.sluice.config.ConfigException;
import io.sluice.config.ConfigReader;
import io.sluice.config.Problems;
import io.sluice.config.scenario.WorkloadFile;
import io.sluice.config.scenario.WorkloadSection;
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
 *   <li>{@code trace}: a recorded trace (CSV, JSON Lines, CampusIoT, the proxy's access log) with speed-up and
 *       fleet amplification.</li>
 * </ul>
 * Every stream is deterministic per seed and draws only from {@link java.util.SplittableRandom}s
 * derived from it.
 */
public final class Workloads {
    private Workloads() {
    }

    /** The workload kinds a scenario accepts. */
    public static List<String> kinds() {
        return WorkloadReader.KINDS;
    }

    /**
     * The validation pass of a bound {@code workload:} section.
     *
     * @param problems     where problems go, each at its path
     * @param path         the section's YAML path, e.g. {@code workload}
     * @param baseDir      the scenario file's folder: relative trace paths resolve against it
     * @param skipBadLines make every trace skip and count malformed lines instead of failing
     * @return the workload, or null when the section had problems (they are in {@code problems})
     */
    public static WorkloadSpec read(Problems problems, String path, WorkloadSection section, Path baseDir,
                                    boolean skipBadLines) {
        return new WorkloadReader(problems, new TraceLocator(baseDir), skipBadLines).read(path, section);
    }

    /**
     * Reads a document holding only a {@code workload:} section (the shape of each example in
     * {@code scenarios/workloads-example.yaml}).
     *
     * @param source what errors call the document
     * @throws ConfigException with every problem, each at its line and path
     */
    public static WorkloadSpec parse(String yaml, String source, Path baseDir) {
        return parse(yaml, source, new TraceLocator(baseDir));
    }

    static WorkloadSpec parse(String yaml, String source, TraceLocator locator) {
        ConfigReader.Bound<WorkloadFile> bound = ConfigReader.read(yaml, source, WorkloadFile.class);
        Problems problems = bound.problems();
        WorkloadSpec spec = null;
        if (bound.value() == null) {
            if (!problems.hasErrors()) {
                problems.error("workload", "required; a workload with a kind");
            }
        } else {
            spec = new WorkloadReader(problems, locator, false).read("workload", bound.value().workload());
        }
        problems.throwIfAny();
        return spec;
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
